using System.Diagnostics;

namespace Attend.Notebooks.Tests;

public class AllNotebooksTests
{
    /// <summary>Every notebook in notebooks/ runs in quick mode through the runner CLI (a separate
    /// process, as users run it), writing to a temporary folder, never over committed outputs.</summary>
    [Fact]
    public async Task Every_notebook_runs_in_quick_mode()
    {
        string repo = RunnerTests.FindRepo();
        using var d = new TempDir();
        string runner = typeof(Runner.RunCommand).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repo };
        foreach (var a in new[] { runner, "run", Path.Combine(repo, "notebooks"), "--quick", "--out", d.Path, "--cell-timeout", "900" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"notebook run failed (exit {p.ExitCode}):\n{output}\n{await err}\n{(File.Exists(Path.Combine(d.Path, "report.md")) ? File.ReadAllText(Path.Combine(d.Path, "report.md")) : "")}");
        Assert.Equal(Directory.GetFiles(Path.Combine(repo, "notebooks"), "*.ipynb").Length, Directory.GetFiles(d.Path, "*.ipynb").Length);
    }
}

namespace Attend.Notebooks.Tests;

public class AllNotebooksTests
{
    /// <summary>Every notebook in notebooks/ runs in quick mode through the runner CLI (a separate
    /// process, as users run it), writing to a temporary folder, never over committed outputs.</summary>
    [Fact]
    public void Every_notebook_runs_in_quick_mode()
    {
        string repo = RunnerTests.FindRepo();
        using var d = new TempDir();
        string runner = typeof(Runner.RunCommand).Assembly.Location;
        var r = ChildProcess.Run("dotnet",
                                 new[] { runner, "run", Path.Combine(repo, "notebooks"), "--quick", "--out", d.Path, "--cell-timeout", "900" },
                                 repo, TimeSpan.FromMinutes(60));
        Assert.True(r.ExitCode == 0,
                    $"notebook run failed (exit {r.ExitCode}):\n{r.Output}\n" +
                    $"{(File.Exists(Path.Combine(d.Path, "report.md")) ? File.ReadAllText(Path.Combine(d.Path, "report.md")) : "")}");
        Assert.Equal(Directory.GetFiles(Path.Combine(repo, "notebooks"), "*.ipynb").Length, Directory.GetFiles(d.Path, "*.ipynb").Length);
    }
}

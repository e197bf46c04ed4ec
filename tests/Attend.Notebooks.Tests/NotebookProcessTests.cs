namespace Attend.Notebooks.Tests;

/// <summary>A multi-notebook run gives each notebook a process of its own, through the runner's CLI.</summary>
public class NotebookProcessTests
{
    [Fact]
    public void Each_notebook_runs_in_a_fresh_process_and_a_crash_is_reported()
    {
        using var d = new TempDir();
        string folder = Path.Combine(d.Path, "nbs");
        Directory.CreateDirectory(folder);
        // a leaves a mark in its process; b must not see it; c ends its process abruptly.
        Nb.Write(folder, "a.ipynb", Nb.Code("AppContext.SetData(\"attend.test.mark\", \"a was here\");\nConsole.WriteLine(Environment.ProcessId);"));
        Nb.Write(folder, "b.ipynb", Nb.Code("Console.WriteLine(AppContext.GetData(\"attend.test.mark\") ?? \"fresh\");"));
        Nb.Write(folder, "c.ipynb", Nb.Code("Environment.Exit(3);"));
        string runner = typeof(Runner.RunCommand).Assembly.Location;
        string outDir = Path.Combine(d.Path, "out");
        var r = ChildProcess.Run("dotnet", new[] { runner, "run", folder, "--out", outDir }, d.Path, TimeSpan.FromMinutes(5));
        Assert.Equal(1, r.ExitCode);   // c failed
        Assert.Equal("fresh\n", Nb.Text(Nb.Outputs(Path.Combine(outDir, "b.ipynb"), 0)[0]!["text"]));
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("exited with code 3", report);
        Assert.Contains("[a.ipynb]", report);
        Assert.Contains("2 of 3 notebooks succeeded", report);

        // --in-process keeps the old behaviour: one process, so b sees a's mark.
        var same = ChildProcess.Run("dotnet", new[] { runner, "run", Path.Combine(folder, "a.ipynb"), Path.Combine(folder, "b.ipynb"),
                                                      "--out", outDir, "--in-process" }, d.Path, TimeSpan.FromMinutes(5));
        Assert.Equal(0, same.ExitCode);
        Assert.Equal("a was here\n", Nb.Text(Nb.Outputs(Path.Combine(outDir, "b.ipynb"), 0)[0]!["text"]));
    }
}

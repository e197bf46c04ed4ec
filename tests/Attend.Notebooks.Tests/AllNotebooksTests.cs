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
        var notebooks = Directory.GetFiles(Path.Combine(repo, "notebooks"), "*.ipynb");
        Assert.Equal(notebooks.Length, Directory.GetFiles(d.Path, "*.ipynb").Length);
        // Every notebook records its headline numbers in a valid results file (DESIGN.md, "Results").
        foreach (var name in notebooks.Select(Path.GetFileNameWithoutExtension))
        {
            string results = Path.Combine(d.Path, "results", name + ".json");
            Assert.True(File.Exists(results), $"{name} wrote no results file");
            string json = File.ReadAllText(results);
            var problems = Runner.ResultsFile.Validate(json, name);
            Assert.True(problems.Count == 0, $"{name}'s results file is invalid: {string.Join("; ", problems)}");
            Assert.Equal("quick", System.Text.Json.Nodes.JsonNode.Parse(json)!["mode"]!.GetValue<string>());
        }
    }
}

using System.Text.Json.Nodes;

namespace Attend.Notebooks.Tests;

/// <summary>The notebooks of tests/interactive, written for .NET Interactive (the cases of its
/// documentation), run unchanged through the runner; JupyterKernelTests runs them through the kernel.</summary>
public class InteractiveNotebooksTests
{
    public static string Folder => Path.Combine(RunnerTests.FindRepo(), "tests", "interactive");

    /// <summary>notebook, cell id, MIME type, text the output of that type contains.</summary>
    public static readonly TheoryData<string, string, string, string> Expected = new()
    {
        { "displaying-output", "display", "text/plain", "Hello!" },
        { "displaying-output", "update", "text/plain", "counted to 3" },
        { "displaying-output", "mime", "text/html", "<b>shown as HTML</b>" },
        { "object-formatters", "person", "text/html", "<td>FirstName</td>" },
        { "object-formatters", "person", "text/plain", "FirstName: Mitch" },
        { "object-formatters", "list", "text/plain", "- FirstName: Hobie" },
        { "object-formatters", "record", "text/html", "<td>Y</td>" },
        { "object-formatters", "dictionary", "text/html", "<td>zero</td><td>0</td>" },
        { "object-formatters", "table", "text/plain", "FirstName   LastName  Age" },
        { "object-formatters", "register-html", "text/html", "<b>Mitch</b>" },
        { "object-formatters", "register-text", "text/plain", "(3, 4)" },
        { "object-formatters", "reset", "text/plain", "X: 5" },
        { "object-formatters", "limit", "text/plain", "(7 more)" },
        { "object-formatters", "exception", "text/html", "<td>Message</td>" },
        { "html-and-pocketview", "html", "text/html", "<b style=\"color:blue\">Hello!</b>" },
        { "html-and-pocketview", "tags", "text/html", "<img src=\"logo.png\" style=\"height:1.5em\"></img>" },
        { "html-and-pocketview", "encoded", "text/html", "<span>&lt;div&gt;This string" },
        { "html-and-pocketview", "javascript", "text/html", "<script type=\"text/javascript\">console.log(\"Hello!\");</script>" },
        { "html-and-pocketview", "html-cell", "text/html", "<b>Hello from an HTML cell</b>" },
        { "html-and-pocketview", "javascript-cell", "application/javascript", "console.log(\"hello from a JavaScript cell\");" },
        { "html-and-pocketview", "markdown-cell", "text/markdown", "A **markdown** cell" },
        { "math-and-latex", "latex", "text/latex", @"\begin{align}" },
        { "math-and-latex", "math", "text/latex", "$$H \\leftarrow" },
        { "importing-packages", "use", "text/plain", "{\"answer\":42}" },
        { "importing-packages", "use-range", "text/plain", "notebooks written for interactive" },
        { "importing-packages", "chart", "text/html", "plotly" },
    };

    static readonly Dictionary<string, string> Executed = new();

    /// <summary>Each notebook runs once per test process, through the runner's CLI in a process of its own (as
    /// users run it): the packages it loads (XPlot's FSharp.Core 4.7) must not enter this process, where the
    /// chart tests load Plotly.NET's newer FSharp.Core. Later cases read its executed copy.</summary>
    static Task<string> Run(string notebook)
    {
        lock (Executed)
        {
            if (Executed.TryGetValue(notebook, out var done)) return Task.FromResult(done);
            string outDir = Path.Combine(Path.GetTempPath(), $"attend-interactive-tests-{Environment.ProcessId}");
            string runner = typeof(Runner.RunCommand).Assembly.Location;
            var r = ChildProcess.Run("dotnet", new[] { runner, "run", Path.Combine(Folder, notebook + ".ipynb"), "--out", outDir },
                                     Folder, TimeSpan.FromMinutes(10));
            Assert.True(r.ExitCode == 0, $"{notebook} failed (exit {r.ExitCode}):\n{r.Output}");
            return Task.FromResult(Executed[notebook] = Path.Combine(outDir, notebook + ".ipynb"));
        }
    }

    public static JsonObject Data(JsonNode executed, string cellId, string mime)
    {
        var cell = executed["cells"]!.AsArray().Single(c => c!["id"]?.GetValue<string>() == cellId)!;
        return (JsonObject)cell["outputs"]!.AsArray().Select(o => o!["data"]).LastOrDefault(d => d?[mime] != null)!
               ?? throw new Xunit.Sdk.XunitException($"cell {cellId} has no {mime} output: {cell["outputs"]!.ToJsonString()}");
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public async Task Runs_unchanged_with_the_outputs_it_had_there(string notebook, string cellId, string mime, string contains)
    {
        var executed = JsonNode.Parse(File.ReadAllText(await Run(notebook)))!;
        var data = Data(executed, cellId, mime);
        Assert.Contains(contains, Nb.Text(data[mime]));
        Assert.NotNull(data["text/plain"]);
    }

    [Fact]
    public async Task Packages_without_a_version_say_the_one_used_and_chart_extensions_say_what_replaces_them()
    {
        var executed = JsonNode.Parse(File.ReadAllText(await Run("importing-packages")))!;
        string Stream(string id) => Nb.Text(executed["cells"]!.AsArray().Single(c => c!["id"]?.GetValue<string>() == id)!["outputs"]![0]!["text"]);
        Assert.Matches(@"^Newtonsoft\.Json 13\.\d+\.\d+ \(no version given; the newest version the package sources serve\)", Stream("newest"));
        Assert.Equal("Humanizer.Core 2.14.1 (2.*; chosen from the versions the package sources serve)\n", Stream("range"));
        Assert.StartsWith("XPlot.Plotly.Interactive plugs charts into .NET Interactive; using XPlot.Plotly", Stream("chart-package"));
        Assert.NotNull(executed["metadata"]!["attend"]!["packages"]!["Newtonsoft.Json"]);
    }
}

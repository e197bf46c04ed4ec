using System.Text.Json.Nodes;
using Attend.Notebooks.Notebooks;
using Attend.Notebooks.Runner;

namespace Attend.Notebooks.Tests;

public class RunnerTests
{
    [Fact]
    public async Task Runs_cells_in_order_with_outputs_replaced_and_counts()
    {
        using var d = new TempDir();
        var path = Nb.Write(d.Path, "a.ipynb", Nb.Markdown("# title"), Nb.Code("var n = 2;"),
                            Nb.Code("Console.WriteLine(\"x\");\nConsole.WriteLine(\"y\");\nn * 21"));
        string sourceBefore = File.ReadAllText(path);
        var run = await Nb.Run(path, Path.Combine(d.Path, "out"));
        Assert.True(run.Success);
        var outputs = Nb.Outputs(run.Written!, 2);
        Assert.Equal("stream", outputs[0]!["output_type"]!.GetValue<string>());
        Assert.Equal("x\ny\n", Nb.Text(outputs[0]!["text"]));
        Assert.Equal("42", Nb.Text(outputs[1]!["data"]!["text/plain"]));
        Assert.Equal(2, outputs[1]!["execution_count"]!.GetValue<int>());
        Assert.Equal(sourceBefore, File.ReadAllText(path));   // a run with --out leaves the source notebook untouched
        Assert.Empty(Nb.Outputs(path, 2));
    }

    [Fact]
    public async Task Parameters_are_injected_after_the_parameters_cell()
    {
        using var d = new TempDir();
        var path = Nb.Write(d.Path, "p.ipynb", Nb.Code("var epochs = 10;\nvar mode = \"full\";", "parameters"), Nb.Code("$\"{epochs} {mode}\""));
        var run = await Nb.Run(path, Path.Combine(d.Path, "out"), new() { ["epochs"] = "2", ["mode"] = "quick" });
        Assert.True(run.Success);
        var nb = JsonNode.Parse(File.ReadAllText(run.Written!))!;
        var injected = nb["cells"]![1]!;
        Assert.Contains("injected-parameters", injected["metadata"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("2 quick", Nb.Text(nb["cells"]![2]!["outputs"]![0]!["data"]!["text/plain"]));
        var e = await Assert.ThrowsAsync<NotebookFormatException>(() => Nb.Run(path, Path.Combine(d.Path, "out"), new() { ["lr"] = "0.1" }));
        Assert.Contains("'lr'", e.Message);
    }

    [Fact]
    public async Task A_failing_cell_stops_the_run_and_is_named()
    {
        using var d = new TempDir();
        var path = Nb.Write(d.Path, "f.ipynb", Nb.Code("var a = 1;"), Nb.Code("throw new Exception(\"bad data\");"),
                            Nb.Code("Console.WriteLine(\"never\");"));
        var run = await Nb.Run(path, Path.Combine(d.Path, "out"));
        Assert.False(run.Success);
        Assert.Equal(2, run.FailedCell);
        Assert.Equal("bad data", run.Error!.EValue);
        Assert.Equal("error", Nb.Outputs(run.Written!, 1)[0]!["output_type"]!.GetValue<string>());
        Assert.Empty(Nb.Outputs(run.Written!, 2));
        var cont = await Nb.Run(path, Path.Combine(d.Path, "out2"), cont: true);
        Assert.Equal("never\n", Nb.Text(Nb.Outputs(cont.Written!, 2)[0]!["text"]));
    }

    [Fact]
    public async Task Cell_timeout_interrupts_and_reports()
    {
        using var d = new TempDir();
        var path = Nb.Write(d.Path, "t.ipynb", Nb.Code("while (true) { }"));
        var run = await Nb.Run(path, Path.Combine(d.Path, "out"), timeout: 0.5);
        Assert.False(run.Success);
        Assert.Equal("CellTimeoutError", run.Error!.EName);
    }

    [Fact]
    public async Task Failed_in_place_run_does_not_replace_the_notebook()
    {
        using var d = new TempDir();
        var path = Nb.Write(d.Path, "keep.ipynb", Nb.Code("throw new Exception(\"x\");"));
        string before = File.ReadAllText(path);
        var run = await NotebookRunner.RunAsync(
            path, new RunOptions(Path.Combine(d.Path, "out"), true, new Dictionary<string, string>(), false, null, false), _ => { });
        Assert.Equal(before, File.ReadAllText(path));
        Assert.StartsWith(Path.Combine(d.Path, "out"), run.Written);
    }

    [Theory]
    [InlineData("{ not json", "invalid JSON")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("{\"nbformat\": 3, \"cells\": [], \"metadata\": {}}", "nbformat 4")]
    [InlineData("{\"nbformat\": 4, \"metadata\": {}}", "cells")]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"picture\", \"source\": \"\"}], \"metadata\": {}}", "cell 1")]
    public void Invalid_notebooks_are_rejected_naming_file_and_place(string json, string expected)
    {
        var e = Assert.Throws<NotebookFormatException>(() => Notebook.Parse(json, "broken.ipynb"));
        Assert.Contains("broken.ipynb", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Reading_then_writing_an_unmodified_notebook_changes_no_byte()
    {
        string repo = FindRepo();
        foreach (var file in Directory.GetFiles(Path.Combine(repo, "notebooks"), "*.ipynb"))
        {
            string text = File.ReadAllText(file);
            Assert.Equal(text, Notebook.Parse(text, file).ToJson());
        }
        // Unknown metadata, unicode and odd numbers survive too.
        string custom = "{\n \"cells\": [],\n \"metadata\": {\n  \"zzz\": {\n   \"custom\": [\n" +
                        "    1.50,\n    \"é → σ <b>\"\n   ]\n  }\n },\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
        Assert.Equal(custom, Notebook.Parse(custom, "c.ipynb").ToJson());
    }

    [Fact]
    public void Dib_files_are_read_as_cells()
    {
        var nb = Notebook.FromDib("#!meta\n{\"kernelInfo\":{}}\n\n#!markdown\n# Title\n\n#!csharp\nvar x = 1;\n\n#!csharp\nx + 1\n", "t.dib");
        Assert.Equal(new[] { "markdown", "code", "code" }, nb.Cells.Select(c => c.CellType));
        Assert.Equal("x + 1", nb.Cells[2].Source);
    }

    [Fact]
    public void Parameter_values_become_csharp_literals()
    {
        Assert.Equal("2", Parameters.ToLiteral("2"));
        Assert.Equal("0.5", Parameters.ToLiteral("0.5"));
        Assert.Equal("true", Parameters.ToLiteral("true"));
        Assert.Equal("\"a \\\"b\\\"\"", Parameters.ToLiteral("a \"b\""));
        Assert.Throws<ArgumentException>(() => Parameters.ParseAssignment("2x=1"));
    }

    [Fact]
    public void Report_keeps_rows_of_notebooks_not_run_this_time()
    {
        using var d = new TempDir();
        string report = Path.Combine(d.Path, "report.md");
        NotebookRun Run(string name, bool ok, double seconds)
            => new(Path.Combine(d.Path, name), Path.Combine(d.Path, name), ok, TimeSpan.FromSeconds(seconds), 3,
                   ok ? null : 2, ok ? null : new Attend.Notebooks.Engine.CellError("Boom", "bad", new[] { "Boom: bad" }),
                   Array.Empty<string>(), new Dictionary<string, string>());
        string first = Report.Markdown(new[] { Run("00-a.ipynb", true, 1), Run("07-b.ipynb", true, 2), Run("08-c.ipynb", false, 3) }, report, "full");
        string second = Report.Markdown(new[] { Run("07-b.ipynb", true, 20) }, report, "full", first);
        var rows = second.Split('\n').Where(l => l.StartsWith("| [")).ToList();
        Assert.Equal(3, rows.Count);
        Assert.StartsWith("| [00-a.ipynb]", rows[0]);
        Assert.Contains("| ok (earlier run) | 1.0 s |", rows[0]);
        Assert.Contains("| ok | 20.0 s |", rows[1]);                    // the new run replaces the old row
        Assert.Contains("**failed** at cell 2: Boom (earlier run)", rows[2]);
        Assert.Contains("1 of 1 notebooks succeeded", second);
        // Marks are not repeated when the report is merged again.
        string third = Report.Markdown(new[] { Run("07-b.ipynb", true, 5) }, report, "full", second);
        Assert.DoesNotContain("(earlier run) (earlier run)", third);
        // Without an earlier report only this run's rows appear.
        Assert.Single(Report.Markdown(new[] { Run("07-b.ipynb", true, 5) }, report, "full").Split('\n'), l => l.StartsWith("| ["));
    }

    [Fact]
    public async Task Figures_are_the_ones_the_notebook_saved_not_others_written_meanwhile()
    {
        using var d = new TempDir();
        // The first cell saves one figure as the library's Figure.Save does (write, then tell the runner);
        // the second writes a file into the same folder the way an overlapping run would.
        string save = "var folder = Environment.GetEnvironmentVariable(\"ATTEND_FIGURES\")!;\n" +
                      "File.WriteAllBytes(Path.Combine(folder, \"mine.png\"), new byte[] { 1 });\n" +
                      $"((Action<string>)AppContext.GetData(\"{NotebookRunner.FigureSavedKey}\")!)(Path.Combine(folder, \"mine.png\"));";
        string other = "File.WriteAllBytes(Path.Combine(folder, \"other-run.png\"), new byte[] { 2 });";
        var path = Nb.Write(d.Path, "fig.ipynb", Nb.Code(save), Nb.Code(other));
        var run = await Nb.Run(path, Path.Combine(d.Path, "out"));
        Assert.True(run.Success, run.Error?.EValue);
        Assert.Equal(new[] { "mine.png" }, run.Figures.Select(Path.GetFileName));
        Assert.Null(AppContext.GetData(NotebookRunner.FigureSavedKey));   // not left behind for a later notebook

        // A notebook that writes PNGs without the library: the files that changed during its run.
        var plain = Nb.Write(d.Path, "plain.ipynb", Nb.Code("var folder = Environment.GetEnvironmentVariable(\"ATTEND_FIGURES\")!;\n" + other));
        var plainRun = await Nb.Run(plain, Path.Combine(d.Path, "out"));
        Assert.Equal(new[] { "other-run.png" }, plainRun.Figures.Select(Path.GetFileName));
    }

    [Fact]
    public async Task Results_files_written_by_a_run_reach_the_report_and_a_stale_or_invalid_one_is_named()
    {
        using var d = new TempDir();
        string outDir = Path.Combine(d.Path, "out");
        static JsonObject Writes(string file, string json) => Nb.Code(
            "var dir = Environment.GetEnvironmentVariable(\"ATTEND_RESULTS\")!; Directory.CreateDirectory(dir);\n"
            + $"File.WriteAllText(Path.Combine(dir, \"{file}\"), {System.Text.Json.JsonSerializer.Serialize(json)});");
        var good = Nb.Write(d.Path, "01-good.ipynb", Writes("01-good.json", ValidResults("01-good", """{"accuracy": 0.75, "mnist": {"seed0": 12.5}}""")));
        var corrupt = Nb.Write(d.Path, "02-corrupt.ipynb", Writes("02-corrupt.json", "{oops"));
        var misnamed = Nb.Write(d.Path, "03-misnamed.ipynb", Writes("03-misnamed.json", ValidResults("07-air", """{"a": 1}""")));
        var none = Nb.Write(d.Path, "04-none.ipynb", Nb.Code("1"));
        var runs = new[] { await Nb.Run(good, outDir), await Nb.Run(corrupt, outDir), await Nb.Run(misnamed, outDir), await Nb.Run(none, outDir) };
        Assert.Equal(new[] { "accuracy 0.75", "mnist.seed0 12.5" }, runs[0].Results!.Headlines.Select(h => h.ToString()));
        Assert.StartsWith("not JSON", runs[1].Results!.Problems.Single());
        Assert.Equal("\"notebook\" is 07-air, expected 03-misnamed", runs[2].Results!.Problems.Single());
        Assert.False(runs[3].Results!.Written);
        string report = Report.Markdown(runs, Path.Combine(outDir, "report.md"), "quick");
        Assert.Contains("| `accuracy 0.75`<br>`mnist.seed0 12.5` |", report);
        Assert.Contains("| invalid results file: not JSON", report);
        Assert.Contains("| no results file written |", report);
        // A file left from an earlier run is not this run's result.
        File.SetLastWriteTimeUtc(Path.Combine(outDir, "results", "01-good.json"), DateTime.UtcNow.AddHours(-1));
        var again = await Nb.Run(Nb.Write(d.Path, "01-good.ipynb", Nb.Code("1")), outDir);
        Assert.False(again.Results!.Written);
    }

    [Fact]
    public void The_runner_process_runs_notebooks_under_the_allocator_settings_for_large_tensors()
    {
        using var d = new TempDir();
        var path = Nb.Write(d.Path, "01-env.ipynb", Nb.Code("Console.WriteLine(\"arena \" + Environment.GetEnvironmentVariable(\"MALLOC_ARENA_MAX\"));"));
        var r = ChildProcess.Run("dotnet", new[] { typeof(RunCommand).Assembly.Location, "run", path, "--out", Path.Combine(d.Path, "out") }, d.Path,
                                 TimeSpan.FromMinutes(2), new() { ["MALLOC_ARENA_MAX"] = "" });
        Assert.True(r.ExitCode == 0, r.Output);
        string printed = Nb.Text(Nb.Outputs(Path.Combine(d.Path, "out", "01-env.ipynb"), 0)[0]!["text"]);
        Assert.Equal(OperatingSystem.IsLinux() ? "arena 1\n" : "arena \n", printed);
        var off = ChildProcess.Run("dotnet", new[] { typeof(RunCommand).Assembly.Location, "run", path, "--out", Path.Combine(d.Path, "off") },
                                   d.Path, TimeSpan.FromMinutes(2), new() { ["MALLOC_ARENA_MAX"] = "", ["ATTEND_NATIVE_ALLOCATOR"] = "off" });
        Assert.True(off.ExitCode == 0, off.Output);
        Assert.Equal("arena \n", Nb.Text(Nb.Outputs(Path.Combine(d.Path, "off", "01-env.ipynb"), 0)[0]!["text"]));
    }

    [Fact]
    public void Report_times_are_read_back_from_this_and_the_earlier_table_format()
    {
        const string earlier = "# r\n\n| notebook | status | time | cells | parameters | figures |\n| --- | --- | --- | --- | --- | --- |\n"
                               + "| [00-a.ipynb](00-a.ipynb) | ok (earlier run) | 12.8 s | 9 | defaults | |\n| 01-b.ipynb | ok | 194.6 s | 13 | defaults | |\n";
        Assert.Equal(new Dictionary<string, double> { ["00-a.ipynb"] = 12.8, ["01-b.ipynb"] = 194.6 }, Report.Times(earlier));
        using var d = new TempDir();
        var run = new NotebookRun(Path.Combine(d.Path, "02-c.ipynb"), null, true, TimeSpan.FromSeconds(3.25), 1, null, null,
                                  Array.Empty<string>(), new Dictionary<string, string>());
        Assert.Equal(3.2, Report.Times(Report.Markdown(new[] { run }, Path.Combine(d.Path, "report.md"), "full"))["02-c.ipynb"], 6);
    }

    internal static string ValidResults(string notebook, string metrics)
        => $$"""{"notebook":"{{notebook}}","mode":"quick","settings":{"seed":0},"metrics":{{metrics}},"machine":"2 cores, CPU","finished":"2026-11-23T20:00:00Z"}""";

    [Theory]
    [InlineData("{not json", "not JSON")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("""{"notebook":"07-air","mode":"full","settings":{},"metrics":{},"machine":"m","finished":"2026-11-23T20:00:00Z"}""",
                "\"metrics\" is not a non-empty object")]
    [InlineData("""{"notebook":"07-air","mode":"full","settings":{},"metrics":{"a":{"b":"x"}},"machine":"m","finished":"2026-11-23T20:00:00Z"}""",
                "metrics.a.b is not a number")]
    [InlineData("""{"notebook":"Air","mode":"full","settings":{},"metrics":{"a":1},"machine":"m","finished":"2026-11-23T20:00:00Z"}""",
                "\"notebook\" is missing or not of the form NN-topic")]
    [InlineData("""{"notebook":"07-air","mode":"slow","settings":{},"metrics":{"a":1},"machine":"m","finished":"2026-11-23T20:00:00Z"}""",
                "\"mode\" is not full, quick or interactive")]
    [InlineData("""{"notebook":"07-air","mode":"full","settings":{},"metrics":{"a":1},"machine":"m","finished":"yesterday"}""",
                "\"finished\" is not a date-time")]
    public void The_results_schema_check_names_each_problem(string json, string problem)
    {
        Assert.Contains(ResultsFile.Validate(json), p => p.StartsWith(problem, StringComparison.Ordinal));
        Assert.Empty(ResultsFile.Validate(ValidResults("07-air", """{"a": 1, "b": {"c": null}}"""), "07-air"));
    }

    internal static string FindRepo() => SourceTree.RequireRoot();
}

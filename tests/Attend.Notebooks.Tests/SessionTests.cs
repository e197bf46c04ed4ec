using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Tests;

public class SessionTests
{
    [Fact]
    public async Task State_carries_across_cells_and_the_last_expression_is_the_result()
    {
        var s = new ExecutionSession();
        var r = new Recorder();
        Assert.True((await s.ExecuteAsync("using System.Numerics;\nvar x = 20;\nint Twice(int v) => 2 * v;\nrecord P(int A);", r)).Success);
        var result = await s.ExecuteAsync("var big = BigInteger.Pow(2, 70);\nnew P(Twice(x) + 2).A", r);
        Assert.True(result.Success);
        Assert.True(result.HasValue);
        Assert.Equal(42, result.Value);
        var statement = await s.ExecuteAsync("x = 5;", r);
        Assert.False(statement.HasValue);
        Assert.Equal("1180591620717411303424", (await s.ExecuteAsync("big.ToString()", r)).Value);
    }

    [Theory]
    [InlineData("1 + 1", false)]
    [InlineData("x = 5;", false)]
    [InlineData("for (int i = 0; i < 3; i++) { var inner = i; }", false)]
    [InlineData("list.Select(v => { var t = v; return t; }).Sum()", false)]
    [InlineData("var y = 1;", true)]
    [InlineData("int Twice(int v) => 2 * v;", true)]
    [InlineData("record P(int A);", true)]
    [InlineData("using System.Numerics;", true)]
    [InlineData("int.TryParse(\"3\", out var parsed);", true)]
    [InlineData("if (o is string s) Console.WriteLine(s);", true)]
    [InlineData("var (a, b) = (1, 2);", true)]
    public void Cells_that_declare_something_are_recognised(string code, bool declares)
        => Assert.Equal(declares, ExecutionSession.DeclaresState(code));

    [Fact]
    public async Task Cells_that_declare_nothing_still_change_state_and_later_declarations_are_seen()
    {
        var s = new ExecutionSession();
        var r = new Recorder();
        Assert.True((await s.ExecuteAsync("var x = 1;", r)).Success);
        Assert.True((await s.ExecuteAsync("x = 5;", r)).Success);            // kept out of the chain, but the field changes
        Assert.Equal(6, (await s.ExecuteAsync("x + 1", r)).Value);
        Assert.True((await s.ExecuteAsync("int.TryParse(\"7\", out var parsed);", r)).Success);
        Assert.Equal(12, (await s.ExecuteAsync("parsed + x", r)).Value);
    }

    [Fact]
    public async Task A_one_line_cell_without_debug_info_still_names_its_cell_in_the_traceback()
    {
        var s = new ExecutionSession();
        await s.ExecuteAsync("var before = 1;", new Recorder());
        var res = await s.ExecuteAsync("throw new InvalidOperationException(\"boom\");", new Recorder(), cellLabel: 4);
        Assert.Equal("InvalidOperationException", res.Error!.EName);
        Assert.Contains(res.Error.Traceback, l => l.Contains("cell 4, line 1"));
    }

    [Fact]
    public async Task Top_level_await_and_output_from_other_threads_reach_the_cell()
    {
        var s = new ExecutionSession();
        var r = new Recorder();
        var res = await s.ExecuteAsync("Console.WriteLine(\"a\");\nawait Task.Run(() => Console.WriteLine(\"from worker\"));\n" +
                                       "await Task.Delay(5);\nConsole.Error.Write(\"e\");\n7", r);
        Assert.True(res.Success);
        Assert.Equal("a\nfrom worker\n", r.Out);
        Assert.Contains(("stderr", "e"), r.Streams);
    }

    [Fact]
    public async Task Compile_errors_are_one_error_pointing_at_the_cell_line()
    {
        var s = new ExecutionSession();
        var res = await s.ExecuteAsync("var ok = 1;\nvar bad = undefinedThing + 1;", new Recorder(), cellLabel: 3);
        Assert.Equal("CompilationError", res.Error!.EName);
        Assert.Contains("cell 3, line 2", res.Error.EValue);
        Assert.Contains("CS0103", res.Error.EValue);
    }

    [Fact]
    public async Task Runtime_exceptions_carry_the_cell_line_in_the_traceback()
    {
        var s = new ExecutionSession();
        var res = await s.ExecuteAsync("int y = 0;\nvar z = 1 / y;", new Recorder(), cellLabel: 4);
        Assert.Equal("DivideByZeroException", res.Error!.EName);
        Assert.Contains(res.Error.Traceback, l => l.Contains("cell 4, line 2"));
        Assert.DoesNotContain(res.Error.Traceback, l => l.Contains("Attend.Notebooks.Engine"));
    }

    [Fact]
    public async Task A_cancelled_cell_stops_even_an_empty_infinite_loop_and_the_session_goes_on()
    {
        var s = new ExecutionSession();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var res = await s.ExecuteAsync("var n = 0;\nwhile (true) {}", new Recorder(), cts.Token);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal("OperationCanceledException", res.Error!.EName);
        Assert.Equal(3, (await s.ExecuteAsync("1 + 2", new Recorder())).Value);
    }

    [Fact]
    public async Task Libraries_show_and_update_displays_through_the_published_app_context_function()
    {
        var s = new ExecutionSession();
        var r = new Recorder();
        const string code = """
            using Bundle = System.Collections.Generic.IReadOnlyDictionary<string, string>;
            var show = (Func<Bundle, Action<Bundle>>)AppContext.GetData("Attend.Notebooks.Display")!;
            var update = show(new Dictionary<string, string> { ["text/plain"] = "epoch 1", ["text/html"] = "<b>1</b>" });
            update(new Dictionary<string, string> { ["text/plain"] = "epoch 2" });
            try { show(new Dictionary<string, string> { ["text/html"] = "x" }); } catch (ArgumentException e) { Console.Write(e.Message); }
            """;
        var res = await s.ExecuteAsync(code, r);
        Assert.True(res.Success, res.Error?.EValue);
        Assert.Equal(2, r.Displays.Count);
        Assert.Equal(("epoch 1", "<b>1</b>", false), (r.Displays[0].Data["text/plain"], r.Displays[0].Data["text/html"], r.Displays[0].Update));
        Assert.Equal(("epoch 2", r.Displays[0].Id, true), (r.Displays[1].Data["text/plain"], r.Displays[1].Id, r.Displays[1].Update));
        Assert.Equal("a display bundle needs text/plain", r.Out);
        // Outside a cell the function says so (the library then falls back to plain lines).
        var outside = (Func<IReadOnlyDictionary<string, string>, Action<IReadOnlyDictionary<string, string>>>)AppContext.GetData(
            Engine.LibraryDisplay.AppContextKey)!;
        Assert.Throws<InvalidOperationException>(() => outside(new Dictionary<string, string> { ["text/plain"] = "x" }));
    }

    [Fact]
    public void The_runners_terminal_redraws_live_lines_in_place_or_writes_a_log_line_at_most_every_half_minute()
    {
        var screen = new StringWriter();
        var live = new Runner.TerminalProgress(screen, interactive: true);
        live.Update("epoch 1/2 long line");
        live.Update("epoch 2/2");
        live.EndCell();
        Assert.Equal("\r  epoch 1/2 long line\r  epoch 2/2          \r" + new string(' ', 11) + "\r", screen.ToString());
        var log = new StringWriter();
        var plain = new Runner.TerminalProgress(log, interactive: false);
        plain.Update("epoch 1/2");
        plain.Update("epoch 2/2 batch 1");
        plain.Update("epoch 2/2 batch 2");
        plain.EndCell();
        Assert.Equal($"  epoch 1/2{Environment.NewLine}  epoch 2/2 batch 2{Environment.NewLine}", log.ToString());
    }

    [Fact]
    public async Task Display_and_updates_and_time_magic()
    {
        var s = new ExecutionSession();
        var r = new Recorder();
        var res = await s.ExecuteAsync("#!time\nvar h = display(\"a\");\nh.Update(\"b\");\n\"c\".Display();", r);
        Assert.True(res.Success);
        Assert.Equal(3, r.Displays.Count);
        Assert.Equal(r.Displays[0].Id, r.Displays[1].Id);
        Assert.True(r.Displays[1].Update);
        Assert.Equal("b", r.Displays[1].Data["text/plain"]);
        Assert.Contains("Wall time:", r.Out);
    }

    [Fact]
    public async Task Bad_directives_are_errors_naming_the_line()
    {
        var s = new ExecutionSession();
        var res = await s.ExecuteAsync("var a = 1;\n#r \"nuget: Newtonsoft.Json, [1.0\"", new Recorder());
        Assert.Equal("DirectiveError", res.Error!.EName);
        Assert.Contains("line 2", res.Error.EValue);
        Assert.Contains("'[1.0' is not a version or a version range", res.Error.EValue);
        res = await s.ExecuteAsync("#r \"no/such/lib.dll\"", new Recorder());
        Assert.Contains("not found", res.Error!.EValue);
        res = await s.ExecuteAsync("#!fsharp", new Recorder());
        Assert.Contains("#!fsharp", res.Error!.EValue);
    }

    [Fact]
    public async Task NuGet_packages_restore_and_conflicting_versions_are_refused()
    {
        var s = new ExecutionSession(log: _ => { });
        var r = new Recorder();
        var res = await s.ExecuteAsync("#r \"nuget: Newtonsoft.Json, 13.0.3\"\nNewtonsoft.Json.JsonConvert.SerializeObject(new { a = 1 })", r);
        Assert.True(res.Success, res.Error?.EValue);
        Assert.Equal("{\"a\":1}", res.Value);
        var conflict = await s.ExecuteAsync("#r \"nuget: Newtonsoft.Json, 13.0.1\"", r);
        Assert.Equal("ReferenceError", conflict.Error!.EName);
        Assert.Contains("conflicts", conflict.Error.EValue);
    }

    [Fact]
    public void Completeness_check_follows_roslyn()
    {
        Assert.Equal("complete", Kernel.CodeIntelligence.IsComplete("var x = 1;").Status);
        Assert.Equal("incomplete", Kernel.CodeIntelligence.IsComplete("if (x) {").Status);
        Assert.True(ExecutionSession.EndsWithExpression("var a = 1;\na + 1"));
        Assert.False(ExecutionSession.EndsWithExpression("var a = 1;"));
    }
}

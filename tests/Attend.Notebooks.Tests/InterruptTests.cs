// Interrupting a cell stops more than its own loops: managed waits (Thread.Sleep, Task.Wait,
// Monitor.Wait, an event), code in libraries that check the published cell token (the Attend
// library's training loop), and the session always goes on.
using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Tests;

public class InterruptTests
{
    /// <summary>Runs <paramref name="code"/> after a line that says it started, interrupts it
    /// <paramref name="afterMs"/> after that line ran (so the cell is running, not compiling), and
    /// returns the result and the time from the interrupt to the cell's end.</summary>
    internal static async Task<(CellResult Result, TimeSpan Elapsed)> Interrupted(ExecutionSession s, string code, int afterMs = 300,
                                                                             Action? beforeCancel = null)
    {
        using var cts = new CancellationTokenSource();
        var recorder = new Recorder();
        string started = $"attend.test.started.{Guid.NewGuid():N}";
        var run = s.ExecuteAsync($"AppContext.SetData(\"{started}\", true);\n" + code, recorder, cts.Token, hardTimeout: TimeSpan.FromSeconds(20));
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (AppContext.GetData(started) is null && !run.IsCompleted && waiting.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
        if (run.IsCompleted) Assert.Fail($"the cell ended before it was interrupted: {(await run).Error?.EValue}");
        await Task.Delay(afterMs);
        beforeCancel?.Invoke();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        cts.Cancel();
        var result = await run;
        return (result, sw.Elapsed);
    }

    static async Task<ExecutionSession> Warm()
    {
        var s = new ExecutionSession();
        Assert.True((await s.ExecuteAsync("var before = 41;", new Recorder())).Success);
        return s;
    }

    [Theory]
    [InlineData("Thread.Sleep(15000);")]
    [InlineData("Task.Delay(15000).Wait();")]
    [InlineData("var gate = new object();\nlock (gate) Monitor.Wait(gate);")]
    [InlineData("new ManualResetEventSlim().Wait();")]
    public async Task A_managed_wait_stops_within_a_second_and_the_session_goes_on(string code)
    {
        var s = await Warm();
        var (r, elapsed) = await Interrupted(s, code);
        Assert.Equal("OperationCanceledException", r.Error?.EName);
        Assert.Contains("interrupted", r.Error!.EValue);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalSeconds:F2} s");
        Assert.Equal(42, (await s.ExecuteAsync("before + 1", new Recorder())).Value);
    }

    [Fact]
    public async Task Library_code_sees_the_running_cells_token_and_nothing_outside_cells()
    {
        var s = await Warm();
        // Enumerable.First loops inside the base library (the engine cannot rewrite it) and never
        // waits (the thread interrupt cannot reach it): it ends only when the token it reads
        // through AppContext is cancelled.
        string code = "Enumerable.Range(0, int.MaxValue).First(_ => AppContext.GetData(\"" + Interrupt.AppContextKey + "\") " +
                      "is CancellationToken t && t.IsCancellationRequested);\nthrow new OperationCanceledException();";
        var (r, elapsed) = await Interrupted(s, code);
        Assert.Equal("OperationCanceledException", r.Error?.EName);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalSeconds:F2} s");
        Assert.Null(AppContext.GetData(Interrupt.AppContextKey));
        Assert.Equal(2, (await s.ExecuteAsync("1 + 1", new Recorder())).Value);
    }

    [Fact]
    public async Task An_interrupt_after_the_cell_ended_does_not_reach_the_next_cell()
    {
        var s = new ExecutionSession();
        using var cts = new CancellationTokenSource();
        Assert.Equal(1, (await s.ExecuteAsync("1", new Recorder(), cts.Token)).Value);
        cts.Cancel();
        var r = await s.ExecuteAsync("Thread.Sleep(50);\n7", new Recorder());
        Assert.True(r.Success, r.Error?.EValue);
        Assert.Equal(7, r.Value);
    }

    [Fact]
    public async Task The_shared_librarys_training_loop_stops_between_batches()
    {
        string repo = RunnerTests.FindRepo();
        var s = new ExecutionSession(Path.Combine(repo, "notebooks", "probe.ipynb"), _ => { });
        var setup = await s.ExecuteAsync("#r \"../lib/Attend\"\nusing Attend.Training;\nusing static TorchSharp.torch;\n" +
                                         "var model = nn.Linear(1, 1);\nint batches = 0;", new Recorder());
        Assert.True(setup.Success, setup.Error?.EValue);
        // Each step computes for 50 ms in base-library code that never waits (the thread interrupt
        // cannot reach it), so only the loop's own check of the cell's token stops 10,000 batches.
        // Each batch publishes its number, so the test knows how many had started when it interrupted.
        const string started = "attend.test.batches";
        int atInterrupt = 0;
        var (r, elapsed) = await Interrupted(s, "EpochLoop.Run(model, 10_000, new LoopOptions(1, 1, 0), b => { batches++; " +
                                                $"AppContext.SetData(\"{started}\", batches); " +
                                                "var clock = System.Diagnostics.Stopwatch.StartNew(); " +
                                                "Enumerable.Range(0, int.MaxValue).First(_ => clock.ElapsedMilliseconds >= 50); }, " +
                                                "t => t.Epoch);", afterMs: 300, beforeCancel: () => atInterrupt = (int)AppContext.GetData(started)!);
        Assert.Equal("OperationCanceledException", r.Error?.EName);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalSeconds:F2} s");
        var count = (int)(await s.ExecuteAsync("batches", new Recorder())).Value!;
        // Stopped between batches: the batch running at the interrupt may finish, no later one starts.
        Assert.True(atInterrupt >= 2, $"only {atInterrupt} batch(es) ran before the interrupt");
        Assert.InRange(count, atInterrupt, atInterrupt + 1);
    }
}

public class InterruptedCodeTests
{
    [Fact]
    public async Task Interrupted_code_does_not_go_on_in_the_background()
    {
        var s = new ExecutionSession();
        Assert.True((await s.ExecuteAsync("1", new Recorder())).Success);
        string marker = Path.Combine(Path.GetTempPath(), $"attend-after-interrupt-{Guid.NewGuid():N}");
        var (r, _) = await InterruptTests.Interrupted(s, $"Thread.Sleep(1500);\nSystem.IO.File.WriteAllText(@\"{marker}\", \"went on\");");
        Assert.Equal("OperationCanceledException", r.Error?.EName);
        await Task.Delay(2500);
        Assert.False(File.Exists(marker), "the interrupted cell went on running after it was reported interrupted");
    }
}

using Attend.Training;

namespace Attend.Tests.Training;

public class ProgressBarTests
{
    static BatchProgress At(int epoch, int epochs, long batch, long batches, double loss = 12.345)
        => new(epoch, epochs, batch, batches, TimeSpan.Zero, new Dictionary<string, double> { ["loss"] = loss, ["kl"] = 0.00012 });

    /// <summary>Runs <paramref name="body"/> with a fake engine display published, recording what is shown and updated.</summary>
    static List<(string Kind, IReadOnlyDictionary<string, string> Bundle)> WithDisplay(Action body)
    {
        var seen = new List<(string, IReadOnlyDictionary<string, string>)>();
        Func<IReadOnlyDictionary<string, string>, Action<IReadOnlyDictionary<string, string>>> show = b =>
        {
            seen.Add(("show", b));
            return u => seen.Add(("update", u));
        };
        AppContext.SetData(CellDisplay.AppContextKey, show);
        try { body(); }
        finally { AppContext.SetData(CellDisplay.AppContextKey, null); }
        return seen;
    }

    [Fact]
    public void The_line_shows_epoch_bar_batch_losses_and_time_left_from_the_pace_so_far()
    {
        var bar = new ProgressBar(firstEpoch: 1, writeLine: _ => { });
        var p = At(epoch: 2, epochs: 4, batch: 50, batches: 100);
        Assert.Equal(0.375, bar.Fraction(p), 12);   // 1.5 of 4 epochs
        Assert.Equal(100, bar.TimeLeft(p, TimeSpan.FromSeconds(60))!.Value.TotalSeconds, 9);
        Assert.Equal("epoch 2/4 [#########---------------] 38 % · batch 50/100 · loss 12.35, kl 1.20e-4 · 1:00 elapsed, ~1:40 left",
                     bar.Text(p, elapsed: TimeSpan.FromSeconds(60)));
        Assert.EndsWith("· done after 1:05:03", bar.Text(At(4, 4, 100, 100), "done", TimeSpan.FromSeconds(3903)));
        // A resumed run counts only its own epochs.
        Assert.Equal(0.5, new ProgressBar(firstEpoch: 3).Fraction(At(3, 4, 100, 100)), 12);
    }

    [Fact]
    public void Outside_a_notebook_cell_it_writes_plain_lines_not_a_display()
    {
        var lines = new List<string>();
        var bar = new ProgressBar(1, lines.Add);
        bar.Report(At(1, 1, 1, 2));
        bar.Report(At(1, 1, 2, 2));   // within the 30 s between plain lines: not written
        Assert.Empty(lines);
        bar.Finish("done");
        Assert.Single(lines);
        Assert.StartsWith("epoch 1/1 [########################] 100 % · batch 2/2", lines[0]);
        Assert.Contains("done after", lines[0]);
    }

    [Fact]
    public void In_a_notebook_cell_the_loop_shows_one_display_and_updates_it_to_done()
    {
        using var model = new ScaleModel();
        var seen = WithDisplay(() => EpochLoop.Run(model, 6, new LoopOptions(2, 2, 0), b => b.Record("loss", 1.5), t => t.Epoch));
        Assert.Equal("show", seen[0].Kind);
        Assert.Contains("epoch 1/2", seen[0].Bundle["text/plain"]);
        Assert.Contains("<progress value=\"0.167\" max=\"1\"", seen[0].Bundle["text/html"]);
        Assert.All(seen.Skip(1), s => Assert.Equal("update", s.Kind));
        Assert.Equal(1, seen.Count(s => s.Kind == "show"));
        string final = seen[^1].Bundle["text/plain"];
        Assert.StartsWith("epoch 2/2 [########################] 100 % · batch 3/3 · loss 1.5 · done after", final);
    }

    [Fact]
    public void An_interrupted_loop_leaves_its_display_saying_so_and_a_quiet_loop_shows_none()
    {
        using var model = new ScaleModel();
        using var cts = new CancellationTokenSource();
        var seen = WithDisplay(() => Assert.Throws<OperationCanceledException>(() =>
            EpochLoop.Run(model, 10, new LoopOptions(3, 1, 0, Cancellation: cts.Token), b => { if (b.Number == 2) cts.Cancel(); }, t => t.Epoch)));
        Assert.Contains("interrupted after", seen[^1].Bundle["text/plain"]);
        Assert.Contains("batch 2/10", seen[^1].Bundle["text/plain"]);
        Assert.Empty(WithDisplay(() => EpochLoop.Run(model, 4, new LoopOptions(1, 2, 0, ShowProgress: false), _ => { }, t => t.Epoch)));
    }
}

// Maps the epoch loop's batches to a live progress bar: epoch, batch, running losses, elapsed time
// and time left. In a notebook cell it is one display updated in place (CellDisplay); elsewhere,
// where output is a log rather than a screen, it writes a plain line at most every half minute.
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Attend.Training;

public sealed class ProgressBar
{
    static readonly TimeSpan DisplayInterval = TimeSpan.FromSeconds(0.5);
    static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(30);
    const int Width = 24;
    const int LossesShown = 3;

    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly int firstEpoch;
    readonly Action<string> writeLine;
    Action<IReadOnlyDictionary<string, string>>? update;
    bool shown;
    TimeSpan lastShown;
    BatchProgress? last;

    /// <param name="firstEpoch">The first epoch this run trains (after a resumed checkpoint: one past it).</param>
    /// <param name="writeLine">Where plain lines go outside a notebook cell (default: the console).</param>
    public ProgressBar(int firstEpoch, Action<string>? writeLine = null)
    {
        this.firstEpoch = firstEpoch;
        this.writeLine = writeLine ?? Console.WriteLine;
    }

    /// <summary>Takes a finished batch; redraws when enough time has passed since the last drawing.</summary>
    public void Report(BatchProgress p)
    {
        last = p;
        var now = clock.Elapsed;
        if (!shown)
        {
            shown = true;
            lastShown = now;
            update = CellDisplay.Show(Bundle(p, null));
            return;
        }
        if (now - lastShown < (update != null ? DisplayInterval : LineInterval)) return;
        lastShown = now;
        Draw(p, null);
    }

    /// <summary>Draws the final state: <paramref name="outcome"/> is "done" or why the run stopped.</summary>
    public void Finish(string outcome)
    {
        if (last is { } p) Draw(p, outcome);
    }

    void Draw(BatchProgress p, string? outcome)
    {
        if (update != null) update(Bundle(p, outcome));
        else writeLine(Text(p, outcome));
    }

    /// <summary>The fraction of this run's batches done (0-1).</summary>
    public double Fraction(BatchProgress p)
    {
        double epochs = p.Epochs - firstEpoch + 1;
        return Math.Clamp(((p.Epoch - firstEpoch) + (double)p.Batch / p.Batches) / epochs, 0, 1);
    }

    /// <summary>The time left at this pace, or null before any batch is done.</summary>
    public TimeSpan? TimeLeft(BatchProgress p, TimeSpan elapsed)
    {
        double f = Fraction(p);
        return f <= 0 ? null : TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - f) / f);
    }

    /// <summary>One line: "epoch 3/50 [#####-----] 40 % · batch 120/157 · loss 12.3 · 0:42 elapsed, ~1:10 left".</summary>
    public string Text(BatchProgress p, string? outcome = null, TimeSpan? elapsed = null)
    {
        var (epoch, bar, tail) = Parts(p, outcome, elapsed ?? clock.Elapsed);
        return Line(epoch, bar, tail);
    }

    /// <summary>The line's three parts: "epoch 3/50", the bar, and the tail from the percentage on.</summary>
    (string Epoch, string Bar, string Tail) Parts(BatchProgress p, string? outcome, TimeSpan t)
    {
        double f = Fraction(p);
        int filled = (int)Math.Round(f * Width);
        string losses = string.Join(", ", p.RunningMeans.Take(LossesShown).Select(kv => $"{kv.Key} {Number(kv.Value)}"));
        string time = outcome != null
            ? $"{outcome} after {Clock(t)}"
            : $"{Clock(t)} elapsed{(TimeLeft(p, t) is { } left ? $", ~{Clock(left)} left" : "")}";
        return ($"epoch {p.Epoch}/{p.Epochs}", new string('#', filled) + new string('-', Width - filled),
                $"{f * 100:F0} % · batch {p.Batch}/{p.Batches}{(losses.Length > 0 ? " · " + losses : "")} · {time}");
    }

    IReadOnlyDictionary<string, string> Bundle(BatchProgress p, string? outcome)
    {
        var (epoch, bar, tail) = Parts(p, outcome, clock.Elapsed);
        string value = Fraction(p).ToString("F3", CultureInfo.InvariantCulture);
        string html = $"<div style=\"font-family:monospace\"><progress value=\"{value}\" max=\"1\" " +
                      $"style=\"width:16em;vertical-align:middle\"></progress> {WebUtility.HtmlEncode(tail)}" +
                      $" <span style=\"opacity:0.7\">({WebUtility.HtmlEncode(epoch)})</span></div>";
        return new Dictionary<string, string> { ["text/plain"] = Line(epoch, bar, tail), ["text/html"] = html };
    }

    static string Line(string epoch, string bar, string tail) => $"{epoch} [{bar}] {tail}";

    static string Number(double v)
        => v.ToString(Math.Abs(v) >= 1e4 || (v != 0 && Math.Abs(v) < 1e-3) ? "0.00e0" : "G4", CultureInfo.InvariantCulture);

    static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes}:{t.Seconds:D2}";
}

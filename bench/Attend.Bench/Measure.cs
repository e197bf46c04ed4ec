// Maps a piece of work to timing statistics (min/median of repeats) and resident memory.
using System.Diagnostics;

namespace Attend.Bench;

public sealed record Timing(string Name, double MinMs, double MedianMs, int Repeats, long RssStartMb, long RssEndMb)
{
    public override string ToString() =>
        $"{Name,-52} min {MinMs,8:F2} ms   median {MedianMs,8:F2} ms   (n={Repeats}; RSS {RssStartMb} → {RssEndMb} MB)";
}

public static class Measure
{
    public static long RssMb() { using var p = Process.GetCurrentProcess(); p.Refresh(); return p.WorkingSet64 / (1024 * 1024); }

    /// <summary>Runs <paramref name="work"/> once to warm up, then <paramref name="repeats"/> times,
    /// each inside a TorchSharp dispose scope so memory stays flat.</summary>
    public static Timing Time(string name, int repeats, Action work)
    {
        using (TorchSharp.torch.NewDisposeScope()) work();
        long rss0 = RssMb();
        var ms = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var sw = Stopwatch.StartNew();
            work();
            ms[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(ms);
        return new Timing(name, ms[0], ms[repeats / 2], repeats, rss0, RssMb());
    }
}

// Maps a piece of work to timing statistics (min/median of repeats) and resident memory (MB = 10⁶ bytes).
using System.Diagnostics;

namespace Attend.Bench;

public sealed record Timing(string Name, double MinMs, double MedianMs, int Repeats, double RssStartMb, double RssEndMb)
{
    public override string ToString() =>
        $"{Name,-52} min {MinMs,8:F2} ms   median {MedianMs,8:F2} ms   (n={Repeats}; RSS {RssStartMb:F0} → {RssEndMb:F0} MB)";
}

public static class Measure
{
    /// <summary>Resident memory in MB (10⁶ bytes), the library's unit.</summary>
    public static double RssMb() => Attend.Training.ResidentMemory.Megabytes();

    /// <summary>Runs <paramref name="work"/> once to warm up, then <paramref name="repeats"/> times,
    /// each inside a TorchSharp dispose scope so memory stays flat.</summary>
    public static Timing Time(string name, int repeats, Action work)
    {
        using (TorchSharp.torch.NewDisposeScope()) work();
        double rss0 = RssMb();
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

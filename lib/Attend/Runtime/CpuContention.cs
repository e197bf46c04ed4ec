// Maps an interval of this process's work to the share of the machine's CPU that other
// processes used meanwhile (Linux /proc/stat). A thread-count measurement taken while another
// job competes for the cores picks too few threads, so it must not be cached.
using System.Diagnostics;

namespace Attend.Runtime;

public sealed class CpuContention
{
    // /proc/stat counts in USER_HZ ticks, 100 per second on every Linux ABI .NET runs on.
    const double TicksPerSecond = 100;
    readonly double? busyTicksAtStart;
    readonly TimeSpan selfAtStart;
    readonly Stopwatch clock = Stopwatch.StartNew();

    CpuContention()
    {
        busyTicksAtStart = MachineBusyTicks();
        selfAtStart = SelfCpu();
    }

    public static CpuContention Start() => new();

    /// <summary>Share (0-1) of all cores used by other processes since Start, or null where the
    /// machine's counters cannot be read (not Linux).</summary>
    public double? OthersShare()
    {
        if (busyTicksAtStart is not double start || MachineBusyTicks() is not double now) return null;
        double elapsed = clock.Elapsed.TotalSeconds;
        if (elapsed <= 0) return null;
        double othersSeconds = (now - start) / TicksPerSecond - (SelfCpu() - selfAtStart).TotalSeconds;
        return Math.Clamp(othersSeconds / (elapsed * Environment.ProcessorCount), 0, 1);
    }

    static TimeSpan SelfCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>user + nice + system + irq + softirq + steal ticks of the "cpu" line.</summary>
    static double? MachineBusyTicks()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return null;
            string? line = File.ReadLines("/proc/stat").FirstOrDefault();
            if (line == null || !line.StartsWith("cpu ")) return null;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(double.Parse).ToArray();
            if (f.Length < 8) return null;
            return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }
}

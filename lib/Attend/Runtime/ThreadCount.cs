// Maps this machine's measured CPU throughput on the models' typical shapes to
// the intra-op thread count TorchSharp uses (ATTEND_THREADS overrides).
using System.Diagnostics;
using System.Text.Json;
using static TorchSharp.torch;

namespace Attend.Runtime;

/// <summary>One candidate thread count and its measured time (median of repeats).</summary>
public sealed record ThreadTiming(int Threads, double MedianMs, double MinMs);

/// <summary>The chosen thread count and why.</summary>
public sealed record ThreadChoice(int Threads, string Reason, IReadOnlyList<ThreadTiming> Timings);

public static class ThreadCount
{
    public const string EnvironmentVariable = "ATTEND_THREADS";

    /// <summary>Above this share of the cores used by other processes during the measurement, the
    /// choice is used once but not cached: a busy machine makes one thread look fastest.</summary>
    public const double BusyShare = 0.15;
    static readonly object Gate = new();
    static ThreadChoice? applied;

    /// <summary>Applies the thread count once per process: ATTEND_THREADS if set, else the
    /// cached measurement for this machine, else a fresh measurement (about a second), cached.
    /// The cache keeps runs on one machine reproducible (thread count can change float sums).</summary>
    public static ThreadChoice Apply()
    {
        lock (Gate)
        {
            if (applied != null) return applied;
            var choice = FromEnvironment() ?? LoadCached() ?? Measure(cache: true);
            set_num_threads(choice.Threads);
            return applied = choice;
        }
    }

    static ThreadChoice? FromEnvironment()
    {
        string? v = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(v)) return null;
        if (!int.TryParse(v, out int n) || n < 1 || n > 1024)
            throw new ArgumentException($"{EnvironmentVariable}={v} is not a positive thread count.");
        return new ThreadChoice(n, $"set by {EnvironmentVariable}", Array.Empty<ThreadTiming>());
    }

    static string CachePath()
    {
        string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x
            ? x : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "attend-notebooks", $"threads-v3-{Environment.MachineName}-{Environment.ProcessorCount}cpu.json");
    }

    static ThreadChoice? LoadCached()
    {
        try
        {
            string path = CachePath();
            if (!File.Exists(path)) return null;
            var c = JsonSerializer.Deserialize<ThreadChoice>(File.ReadAllText(path));
            return c is { Threads: > 0 } ? c with { Reason = c.Reason + $" (cached in {RepoPaths.Display(path)})" } : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Times the models' typical work at batch 64 (AIR: Linear 2780→256 forward +
    /// backward with input gradient, glimpse crop and paste forward + backward; NoP: a 16→16
    /// 3×3 convolution on 16×16 feature maps) at 1 thread and at every core, and picks the
    /// fastest by median. With <paramref name="cache"/>, stores the choice for this machine.</summary>
    public static ThreadChoice Measure(int repeats = 7, bool cache = false)
    {
        int saved = get_num_threads();
        var timings = new List<ThreadTiming>();
        var contention = CpuContention.Start();
        var candidates = Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : new[] { 1 };
        try
        {
            foreach (int t in candidates)
            {
                set_num_threads(t);
                timings.Add(TimeWorkload(repeats));
            }
        }
        finally { set_num_threads(saved); }
        var best = timings.OrderBy(t => t.MedianMs).First();
        string reason = "measured: " + string.Join(", ", timings.Select(t => $"{t.Threads} thread(s) {t.MedianMs:F1} ms")) +
                        $" (median of {repeats}); fastest = {best.Threads}";
        double? others = contention.OthersShare();
        bool busy = others > BusyShare;
        if (busy) reason += $"; other processes used {others:P0} of the CPU meanwhile, so not cached";
        var choice = new ThreadChoice(best.Threads, reason, timings);
        if (!cache || busy) return choice;
        try
        {
            string path = CachePath();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string tmp = path + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(choice));
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* cache is optional */ }
        return choice;
    }

    static ThreadTiming TimeWorkload(int repeats)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(0);
        var x = rand(new long[] { 64, 2780 }, generator: gen).requires_grad_();
        var w = randn(new long[] { 256, 2780 }, generator: gen).mul_(0.01).requires_grad_();
        var img = rand(new long[] { 64, 16, 16, 16 }, generator: gen);
        var canvas = rand(new long[] { 64, 1, 50, 50 }, generator: gen);
        var zWhere = cat(new[] { rand(new long[] { 64, 1 }, generator: gen) + 2.5, rand(new long[] { 64, 2 }, generator: gen) - 0.5 }, 1);
        var k = randn(new long[] { 16, 16, 3, 3 }, generator: gen).mul_(0.1).requires_grad_();
        var times = new double[repeats + 1];
        for (int r = 0; r <= repeats; r++) // first run is a warm-up
        {
            using var inner = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            nn.functional.linear(x, w).relu().sum().backward();
            nn.functional.conv2d(img, k, padding: new long[] { 1, 1 }).sum().backward();
            var z = zWhere.clone().requires_grad_();
            var window = Spatial.ZWhere.ImageToWindow(canvas, z, 24);
            Spatial.ZWhere.WindowToImage(window, z, 50).sum().backward();
            times[r] = sw.Elapsed.TotalMilliseconds;
            x.grad?.zero_(); w.grad?.zero_(); k.grad?.zero_();
        }
        var measured = times.Skip(1).OrderBy(t => t).ToArray();
        return new ThreadTiming(get_num_threads(), measured[measured.Length / 2], measured[0]);
    }
}

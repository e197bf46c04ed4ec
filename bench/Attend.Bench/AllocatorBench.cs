// Allocator suite: what glibc's handling of large blocks costs TorchSharp, with the engine's
// allocator settings (NativeAllocator) and without them, in one run: zeros() just under and just
// over glibc's 32 MB mmap limit, the cost per 4 KB page that implies, and the 128² localiser's
// training step (notebook 04). The second column comes from a child process started with
// ATTEND_NATIVE_ALLOCATOR=off; the table also goes to bench/results/allocator.txt.
using System.Diagnostics;
using System.Text;
using Attend.Nop;
using static TorchSharp.torch;

namespace Attend.Bench;

static class AllocatorBench
{
    const string ChildSuite = "allocator-measure";

    /// <summary>Measures in this process and prints one line per figure: "name\tmin ms\tmedian ms".</summary>
    public static void Measure(int repeats)
    {
        Attend.Runtime.TorchSetup.Init(0, quiet: true);
        foreach (int batch in new[] { 30, 32 })
        {
            var t = Bench.Measure.Time($"zeros({batch}, 16, 128, 128)", repeats, () => zeros(batch, 16, 128, 128));
            Console.WriteLine($"zeros {batch * 16 * 128 * 128 * 4 / 1e6:F1} MB\t{t.MinMs:F2}\t{t.MedianMs:F2}");
        }
        manual_seed(0);
        using var model = new Localiser(new NopConfig { CanvasSize = 128, InChannels = 1, CoordConv = true }, inputDim: 0);
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        using var x = rand(32, 1, 128, 128);
        using var target = rand(32, 2);
        var step = Bench.Measure.Time("localiser step", repeats, () =>
        {
            var loss = LocaliserTraining.GaussianNll(model.call(x, null), target).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        });
        Console.WriteLine($"128² localiser training step, batch 32\t{step.MinMs:F2}\t{step.MedianMs:F2}");
    }

    public static int Run(int repeats)
    {
        var with = Child(repeats, off: false);
        var without = Child(repeats, off: true);
        if (with == null || without == null) return 1;
        var sb = new StringBuilder();
        sb.AppendLine($"allocator: min / median ms of {repeats} repeats, one run; with = the engine's glibc settings, without = glibc's defaults");
        sb.AppendLine($"{"",-42}{"with",20}{"without",20}");
        foreach (var (name, w) in with)
            sb.AppendLine($"{name,-42}{$"{w.Min:F2} / {w.Median:F2}",20}{$"{without[name].Min:F2} / {without[name].Median:F2}",20}");
        // Over the limit glibc maps the block afresh: every 4 KB page is faulted in once more.
        var small = without.First();
        var large = without.Skip(1).First();
        double pages = 32 * 16 * 128 * 128 * 4 / 4096.0;
        double perPage = (large.Value.Min - small.Value.Min) / pages * 1000;
        sb.AppendLine($"without the settings, the 33.6 MB block costs {perPage:F1} µs more per 4 KB page (minima)");
        Console.Write(sb);
        string repo = Attend.Notebooks.SourceTree.RequireRoot();
        string results = Path.Combine(repo, "bench", "results", "allocator.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        File.WriteAllText(results, $"# bench allocator, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores\n{sb}");
        Console.WriteLine("written to bench/results/allocator.txt");
        return 0;
    }

    /// <summary>Runs the measurements in a fresh process (glibc reads its settings at process start).</summary>
    static Dictionary<string, (double Min, double Median)>? Child(int repeats, bool off)
    {
        var psi = Attend.Notebooks.NativeAllocator.ThisProgram(new[] { ChildSuite, "--repeats", repeats.ToString() });
        psi.RedirectStandardOutput = true;
        if (off)
        {
            psi.Environment["ATTEND_NATIVE_ALLOCATOR"] = "off";
            foreach (var key in Attend.Notebooks.NativeAllocator.Environment.Keys) psi.Environment.Remove(key);
        }
        using var p = Process.Start(psi)!;
        var figures = new Dictionary<string, (double, double)>();
        while (p.StandardOutput.ReadLine() is { } line)
        {
            var parts = line.Split('\t');
            if (parts.Length == 3 && double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out double min)
                && double.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out double median))
                figures[parts[0]] = (min, median);
        }
        p.WaitForExit();
        if (p.ExitCode != 0 || figures.Count != 3) Console.Error.WriteLine($"the allocator measurement ({(off ? "without" : "with")}) failed");
        return p.ExitCode == 0 && figures.Count == 3 ? figures : null;
    }
}

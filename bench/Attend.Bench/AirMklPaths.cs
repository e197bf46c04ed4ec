// Maps the AIR step to its time on MKL's two code paths on this processor: as MKL comes (its AVX2 path on an
// AMD processor) and with the engine's ATTEND_MKL_AVX512 shim (its AVX-512 path). MKL picks its path once per
// process, so each path runs in a child process of its own; the parent has them take turns, a block of rounds of steps
// (the default and the straightforward form) at a time, so both paths share the machine's slow and fast spells. Each
// block starts with a round that is not measured: the other process has just run through the caches (a step touches
// about 35 MB of weights, gradients and Adam's moments), and one-round turns measured both paths 10-25 % slower than
// each alone.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Attend.Air;
using Attend.Data;
using Attend.Notebooks;
using static TorchSharp.torch;

namespace Attend.Bench;

/// <summary>Step medians (ms) on both paths, from <paramref name="Repeats"/> rounds, and the AVX-512 path's matrix products.</summary>
public sealed record MklPathSteps(double Fast, double Straightforward, double FastAvx512, double StraightforwardAvx512,
                                  MatrixProductTime? ProductsAvx512, int Repeats);

static class AirMklPaths
{
    public const string ChildSuite = "air-mkl-steps";
    const string Ready = "ready";
    const string BlockRequest = "rounds ";
    const int Block = 5;
    // A fresh process's first 20 or so steps run 30-50 % slower (the JIT's tiers, the heap growing): not measured.
    const int ChildWarmUp = 25;

    /// <summary>Runs both paths in turn in two child processes; null (reason printed) where the shim does not apply or
    /// cannot be built, or a child fails.</summary>
    public static MklPathSteps? Measure(int repeats)
    {
        if (MklAvx512.NotApplicableHere() is { } why) return Fail(why);
        string shim;
        try { shim = MklAvx512.BuildShim(); }
        catch (InvalidOperationException e) { return Fail(e.Message); }
        var plain = new[] { new List<double>(), new List<double>() };
        var avx = new[] { new List<double>(), new List<double>() };
        using (var asItComes = Child.Start(null))
        using (var onAvx512 = Child.Start(shim))
        {
            if (!asItComes.WaitReady() || !onAvx512.WaitReady()) return Fail(asItComes.Failure() ?? onAvx512.Failure()!);
            for (int block = 0; block * Block < repeats; block++)
            {
                // Alternate which path goes first, as the forms do within a round.
                var turns = block % 2 == 0 ? new[] { (asItComes, plain), (onAvx512, avx) } : new[] { (onAvx512, avx), (asItComes, plain) };
                foreach (var (child, into) in turns)
                {
                    if (child.Rounds(Math.Min(Block, repeats - block * Block)) is not { } rounds) return Fail(child.Failure()!);
                    foreach (var ms in rounds)
                    {
                        into[0].Add(ms[0]);
                        into[1].Add(ms[1]);
                    }
                }
            }
        }
        var products = AirMatrixProducts.Measure(repeats, shim);
        return new MklPathSteps(Median(plain[0]), Median(plain[1]), Median(avx[0]), Median(avx[1]), products, repeats);
    }

    /// <summary>Sets a child's LD_PRELOAD: the shim in front when <paramref name="shim"/> is given, no shim otherwise
    /// (whatever this process runs with).</summary>
    public static void SetPath(ProcessStartInfo psi, string? shim)
    {
        var rest = (Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "").Split(':', ' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !MklAvx512.IsShim(p)).ToList();
        string value = shim != null ? MklAvx512.PreloadValue(shim, string.Join(':', rest)) : string.Join(':', rest);
        if (value.Length == 0) psi.Environment.Remove("LD_PRELOAD");
        else psi.Environment["LD_PRELOAD"] = value;
    }

    /// <summary>One path's child process: it warms up, says "ready", then runs a round per "round" line it reads.</summary>
    sealed class Child : IDisposable
    {
        readonly Process process;
        readonly Task<string> errors;
        readonly string path;

        Child(Process process, string path)
        {
            this.process = process;
            this.path = path;
            errors = process.StandardError.ReadToEndAsync();   // the data loader's messages: shown only if the child fails
        }

        public static Child Start(string? shim)
        {
            var psi = NativeAllocator.ThisProgram(new[] { ChildSuite });
            psi.RedirectStandardInput = true;
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            psi.Environment[Attend.Runtime.ThreadCount.EnvironmentVariable] = get_num_threads().ToString(CultureInfo.InvariantCulture);
            SetPath(psi, shim);
            return new Child(Process.Start(psi)!, shim != null ? "AVX-512 path" : "as MKL comes");
        }

        /// <summary>Reads past whatever the child prints while it loads the data, up to its "ready".</summary>
        public bool WaitReady()
        {
            for (string? line; (line = process.StandardOutput.ReadLine()) != null;)
                if (line == Ready) return true;
            return false;
        }

        /// <summary>One unmeasured round, then <paramref name="count"/> measured ones: their step times, per round.</summary>
        public double[][]? Rounds(int count)
        {
            process.StandardInput.WriteLine(BlockRequest + count.ToString(CultureInfo.InvariantCulture));
            process.StandardInput.Flush();
            string? line = process.StandardOutput.ReadLine();
            return line == null ? null : JsonSerializer.Deserialize<double[][]>(line);
        }

        public string? Failure()
        {
            if (!process.WaitForExit(10_000)) return $"the child process ({path}) stopped answering";
            return $"the child process ({path}) exited with {process.ExitCode}: {errors.Result.Trim()}";
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.StandardInput.Close();   // end of input: the child stops
                if (!process.WaitForExit(10_000)) process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
    }

    /// <summary>The child: the default and the straightforward step on the benchmark's first batch of scenes. Each line
    /// "rounds N" on standard input runs one unmeasured round and N measured ones, answered with their step times (JSON).</summary>
    public static void RunChild()
    {
        Attend.Runtime.TorchSetup.Init(0, quiet: true);
        var (trainDigits, _) = Mnist.Load();
        using var train = MultiMnist.GenerateAir(trainDigits, 64, seed: 1);
        var config = new AirConfig();
        using var rounds = new StepRounds(train.Images, new[] { config, AirBench.Straightforward(config) });
        for (int i = -ChildWarmUp; i < 0; i++) rounds.Round(i);
        Console.WriteLine(Ready);
        int round = 0;
        for (string? line; (line = Console.ReadLine()) != null && line.StartsWith(BlockRequest, StringComparison.Ordinal);)
        {
            int count = int.Parse(line[BlockRequest.Length..], CultureInfo.InvariantCulture);
            rounds.Round(round++);
            var times = Enumerable.Range(0, count).Select(_ => rounds.Round(round++)).ToArray();
            Console.WriteLine(JsonSerializer.Serialize(times));
        }
    }

    static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);

    static MklPathSteps? Fail(string why)
    {
        Console.WriteLine($"  the step on MKL's AVX-512 path: not measured ({why})");
        return null;
    }
}

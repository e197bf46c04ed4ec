// Maps the default AIR training step to the time its matrix products take, as MKL itself times
// them: a child process runs the step with MKL_VERBOSE on (MKL logs every GEMM call with its own
// duration to a file), and the parent sums the calls of each step. This is the floor that no
// rearrangement of the step's other operations can go below while the products stay the same.
// MKL_VERBOSE is MKL's feature; libtorch's x86-64 CPU builds use MKL, other builds report nothing.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Attend.Air;
using Attend.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Bench;

/// <summary>Per step: the summed duration of its GEMM calls (MKL's timing) and the number of calls.</summary>
public sealed record MatrixProductTime(double MedianMs, double MinMs, int CallsPerStep, int Steps);

static partial class AirMatrixProducts
{
    public const string ChildSuite = "air-matmul";
    const int WarmUpSteps = 2;

    // A product of a shape the step never uses, run before every step and after the last: its log line
    // separates the steps (the data generation before them also logs products).
    const int MarkerRows = 11;
    const int MarkerInner = 13;
    const int MarkerColumns = 17;

    [GeneratedRegex(@"^MKL_VERBOSE \w+\(.*\) ([\d.]+)(ns|us|ms|s) ")]
    private static partial Regex CallLine();

    /// <summary>Runs <paramref name="repeats"/> default steps in a child process under MKL_VERBOSE and sums each
    /// step's products; null (with the reason printed) where MKL logs nothing or the log cannot be split into steps.
    /// <paramref name="shim"/>: MKL's AVX-512 path through the engine's shim (MklAvx512); null: MKL as it comes.</summary>
    public static MatrixProductTime? Measure(int repeats, string? shim = null)
    {
        string log = Path.Combine(Path.GetTempPath(), $"attend-air-mkl-{Environment.ProcessId}.log");
        File.Delete(log);
        var psi = Attend.Notebooks.NativeAllocator.ThisProgram(new[] { ChildSuite, "--repeats", repeats.ToString(CultureInfo.InvariantCulture) });
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.Environment["MKL_VERBOSE"] = "1";
        psi.Environment["MKL_VERBOSE_OUTPUT_FILE"] = log;
        psi.Environment[Attend.Runtime.ThreadCount.EnvironmentVariable] = get_num_threads().ToString(CultureInfo.InvariantCulture);
        AirMklPaths.SetPath(psi, shim);
        try
        {
            using (var p = Process.Start(psi)!)
            {
                var errors = p.StandardError.ReadToEndAsync();   // the data loader's messages: shown only if the child fails
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) return Fail($"the child process exited with {p.ExitCode}: {errors.Result.Trim()}");
            }
            if (!File.Exists(log)) return Fail("MKL wrote no log (this libtorch does not use MKL, or ignores MKL_VERBOSE)");
            return FromLog(File.ReadLines(log), repeats);
        }
        finally { File.Delete(log); }
    }

    /// <summary>Splits the log at the marker products and sums each measured step's calls.</summary>
    static MatrixProductTime? FromLog(IEnumerable<string> lines, int repeats)
    {
        // Row-major [11, 13]·[13, 17] reaches column-major BLAS as 17×11 by 13.
        string marker = FormattableString.Invariant($"SGEMM(N,N,{MarkerColumns},{MarkerRows},{MarkerInner},");
        var steps = new List<(double Ms, int Calls)>();
        (double Ms, int Calls)? current = null;
        foreach (var line in lines)
        {
            var m = CallLine().Match(line);
            if (!m.Success) continue;
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                if (current is { } step) steps.Add(step);
                current = (0, 0);
                continue;
            }
            if (current is not { } open) continue;   // the products of the data generation, before the first step
            double value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            double ms = m.Groups[2].Value switch { "ns" => value / 1e6, "us" => value / 1e3, "ms" => value, _ => value * 1e3 };
            current = (open.Ms + ms, open.Calls + 1);
        }
        if (steps.Count != WarmUpSteps + repeats)
            return Fail($"found {steps.Count} steps between the markers in MKL's log, expected {WarmUpSteps + repeats}");
        var measured = steps.Skip(WarmUpSteps).ToList();
        if (measured.Select(s => s.Calls).Distinct().Count() != 1)
            return Fail("the steps made different numbers of GEMM calls: " + string.Join(", ", measured.Select(s => s.Calls).Distinct()));
        var sums = measured.Select(s => s.Ms).Order().ToArray();
        return new MatrixProductTime(sums[sums.Length / 2], sums[0], measured[0].Calls, sums.Length);
    }

    static MatrixProductTime? Fail(string why)
    {
        Console.WriteLine($"  matrix products of the step: not measured ({why})");
        return null;
    }

    /// <summary>The child: the default step on the benchmark's first batch of scenes, a marker product before each step.</summary>
    public static void Child(int repeats)
    {
        Attend.Runtime.TorchSetup.Init(0, quiet: true);
        var (trainDigits, _) = Mnist.Load();
        using var train = MultiMnist.GenerateAir(trainDigits, 64, seed: 1);
        manual_seed(0);
        using var model = new AirModel(new AirConfig());
        using var optimizer = AirTraining.CreateOptimizer(model);
        using var g = new Generator(0);
        using var a = ones(MarkerRows, MarkerInner);
        using var b = ones(MarkerInner, MarkerColumns);
        for (int i = 0; i < WarmUpSteps + repeats; i++)
        {
            using var _ = NewDisposeScope();
            a.matmul(b);
            AirTraining.Step(model, optimizer, train.Images, g);
        }
        using (NewDisposeScope()) a.matmul(b);
    }
}

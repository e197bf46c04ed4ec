// AIR suite (the AIR notes' full setting): the crop/paste speed (separable against affine_grid +
// grid_sample) and the whole training step's, default against the notes' straightforward form (the
// first layer on (image, z, h) at every step, grid_sample crop and paste, step by step) and against separable
// sampling (min/median of repeats, interleaved in one run), the default step by part and the time of its matrix
// products (AirMatrixProducts), then whole trainings of `epochs` epochs on 10,000 Multi-MNIST scenes, one per seed (firstSeed, …),
// each with its held-out count accuracy (2,000 scenes of 0-2 test digits), the time to reach
// 98 % and its count accuracy on 1,000 held-out scenes of exactly 3 digits. Prints everything
// and writes bench/results/air.json.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using Attend.Air;
using Attend.Data;
using Attend.Spatial;
using static TorchSharp.torch;

namespace Attend.Bench;

static class AirBench
{
    const double Target = AirBenchReport.Target;   // the held-out count accuracy a seed must reach

    /// <param name="signalDecay">overrides AirConfig.SignalNormalisationDecay (the ablation: 0 = the notes' plain baseline).</param>
    /// <param name="baselineLr">overrides AirConfig.BaselineLearningRate.</param>
    public static void Run(int repeats, int seeds, int firstSeed, int epochs, double? signalDecay = null, double? baselineLr = null)
    {
        var device = Attend.Runtime.TorchSetup.Init(0);
        var (trainDigits, testDigits) = Mnist.Load();
        Console.WriteLine($"digits: {trainDigits.Description}; held-out scenes use only {testDigits.Description}");
        using var train = MultiMnist.GenerateAir(trainDigits, 10_000, seed: 1);
        using var test = MultiMnist.GenerateAir(testDigits, 2_000, seed: 2);
        using var three = MultiMnist.GenerateAirExactly(testDigits, 1_000, digitCount: 3, seed: 3);
        var config = new AirConfig();
        if (signalDecay is { } d) config = config with { SignalNormalisationDecay = d };
        if (baselineLr is { } lr) config = config with { BaselineLearningRate = lr };
        Console.WriteLine(config);

        CropAndPaste(train.Images.narrow(0, 0, 64), repeats);
        var imageTerms = ImageTerms(train.Images.narrow(0, 0, 64), config, repeats);
        // Three forms of the same step, interleaved in rounds so that a slow spell of the machine hits all of them.
        var forms = new (string Name, AirConfig Config)[]
        {
            ("the default (direct crop and paste, windows decoded and pasted as one batch, image terms over the inked pixels, " +
             "Adam in one pass)", config),
            ("straightforward (the notes' step: the first layer on (image, z, h) at every step, grid_sample, decoded and pasted " +
             "step by step)", Straightforward(config)),
            ("separable crop and paste, decoded as one batch",
             config with { CropSampling = WhereSampling.Separable, PasteSampling = WhereSampling.Separable }),
        };
        var steps = Steps(train.Images.narrow(0, 0, 64), forms, repeats);
        var (fast, straight, separable) = (steps[0], steps[1], steps[2]);
        Console.WriteLine($"  → the default step takes {fast.MedianMs / straight.MedianMs:F2}× the straightforward one's time " +
                          $"({straight.MedianMs / fast.MedianMs:F2}× faster; medians, same run)");
        var parts = StepParts(train.Images.narrow(0, 0, 64), config, repeats);
        bool avx512InProcess = Attend.Notebooks.MklAvx512.InEffect;
        if (avx512InProcess) Console.WriteLine("(this process runs MKL's AVX-512 path: ATTEND_MKL_AVX512=on)");
        string? shimInProcess = avx512InProcess ? Attend.Notebooks.MklAvx512.ShimPath() : null;
        var products = config == new AirConfig() ? AirMatrixProducts.Measure(repeats, shimInProcess) : null;
        if (products != null)
            Console.WriteLine($"matrix products of the default step (MKL's own timing of its {products.CallsPerStep} GEMM calls, median of " +
                              $"{products.Steps} steps): {products.MedianMs:F1} ms of its {fast.MedianMs:F1} ms; a step twice as fast as the " +
                              $"straightforward one ({straight.MedianMs / 2:F1} ms) would leave {straight.MedianMs / 2 - products.MedianMs:F1} ms " +
                              "for everything else");
        var paths = config == new AirConfig() ? AirMklPaths.Measure(repeats) : null;
        if (paths != null)
            Console.WriteLine($"MKL's two paths (child processes, alternating; medians of {paths.Repeats} steps each): default step " +
                              $"{paths.Fast:F1} ms as MKL comes, {paths.FastAvx512:F1} ms on its AVX-512 path " +
                              $"({paths.Fast / paths.FastAvx512:F2}× faster); " +
                              $"straightforward {paths.Straightforward:F1} / {paths.StraightforwardAvx512:F1} ms; products on the AVX-512 path " +
                              $"{paths.ProductsAvx512?.MedianMs.ToString("F1") ?? "not measured"} ms; the default step on the AVX-512 path is " +
                              $"{paths.Straightforward / paths.FastAvx512:F2}× faster than the straightforward one as MKL comes");

        var runs = new List<JsonObject>();
        for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            manual_seed(seed);
            using var model = new AirModel(config);
            using var optimizer = AirTraining.CreateOptimizer(model);
            var settings = new AirSettings(Epochs: epochs, Seed: seed, CheckpointEpochs: Array.Empty<int>());
            Console.WriteLine($"seed {seed}: {settings}");
            var sw = Stopwatch.StartNew();
            double? minutesTo98 = null;
            var history = AirTraining.Train(model, optimizer, train, test, settings, device: device, progress: e =>
            {
                Console.WriteLine($"  {e}");
                if (minutesTo98 == null && e.TestCountAccuracy >= Target) minutesTo98 = sw.Elapsed.TotalMinutes;
            });
            double minutes = sw.Elapsed.TotalMinutes;
            using var inferredThree = AirTraining.InferredCounts(model, three, seed, device);
            double threeAccuracy = inferredThree.eq(three.Counts).to_type(ScalarType.Float64).mean().item<double>();
            var rss = history.Skip(1).Select(e => e.ResidentMb).DefaultIfEmpty(history[0].ResidentMb).ToList();
            double final = history[^1].TestCountAccuracy;
            double best = history.Max(e => e.TestCountAccuracy);
            string reached = minutesTo98 is { } m ? $"{m:F1} min" : "never";
            Console.WriteLine($"seed {seed}: {epochs} epochs in {minutes:F1} min; {Target:P0} reached after {reached}; " +
                              $"RSS after epochs 2..{epochs}: {rss.Min():F0}–{rss.Max():F0} MB; " +
                              $"held-out count accuracy {final:P2} (best {best:P2}); 3-digit scenes {threeAccuracy:P2}");
            runs.Add(new JsonObject
            {
                ["seed"] = seed, ["final_accuracy"] = final, ["best_accuracy"] = best,
                ["minutes_50_epochs"] = minutes, ["minutes_to_98"] = minutesTo98, ["three_digit_count_accuracy"] = threeAccuracy,
                ["accuracy_per_epoch"] = new JsonArray(history.Select(e => (JsonNode?)Math.Round(e.TestCountAccuracy, 4)).ToArray()),
                ["rss_mb_max"] = rss.Max(),
            });
        }

        int reaching = runs.Count(r => r["final_accuracy"]!.GetValue<double>() >= Target);
        var result = new JsonObject
        {
            ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm"),
            ["processor"] = Attend.Notebooks.MklAvx512.Processor(),
            ["cores"] = Environment.ProcessorCount, ["threads"] = get_num_threads(), ["epochs"] = epochs,
            ["train_scenes"] = train.Count, ["test_scenes"] = test.Count, ["three_digit_scenes"] = three.Count,
            ["signal_normalisation_decay"] = config.SignalNormalisationDecay, ["baseline_learning_rate"] = config.BaselineLearningRate,
            ["step_ms_fast"] = fast.MedianMs, ["step_ms_fast_min"] = fast.MinMs,
            ["step_ms_straightforward"] = straight.MedianMs, ["step_ms_straightforward_min"] = straight.MinMs,
            ["step_speedup"] = straight.MedianMs / fast.MedianMs,
            ["step_forms"] = new JsonObject { ["fast"] = forms[0].Name, ["straightforward"] = forms[1].Name, ["separable"] = forms[2].Name },
            ["step_ms_separable"] = separable.MedianMs, ["step_ms_separable_min"] = separable.MinMs,
            ["image_terms"] = new JsonObject
            {
                ["ink_share"] = imageTerms.InkShare, ["inked_ms"] = imageTerms.Inked.MedianMs, ["dense_ms"] = imageTerms.Dense.MedianMs,
            },
            ["step_parts_ms_median"] = new JsonObject(parts.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["step_matmul_ms_median"] = products?.MedianMs, ["step_matmul_ms_min"] = products?.MinMs,
            ["step_matmul_calls"] = products?.CallsPerStep,
            ["mkl_path"] = avx512InProcess ? "avx512 (ATTEND_MKL_AVX512=on)" : "as it comes",
            ["mkl_avx512"] = paths == null ? null : new JsonObject
            {
                ["steps_per_form"] = paths.Repeats,
                ["step_ms_fast_as_it_comes"] = paths.Fast, ["step_ms_straightforward_as_it_comes"] = paths.Straightforward,
                ["step_ms_fast"] = paths.FastAvx512, ["step_ms_straightforward"] = paths.StraightforwardAvx512,
                ["fast_step_speedup"] = paths.Fast / paths.FastAvx512,
                ["speedup_over_straightforward_as_it_comes"] = paths.Straightforward / paths.FastAvx512,
                ["step_matmul_ms_median"] = paths.ProductsAvx512?.MedianMs, ["step_matmul_ms_min"] = paths.ProductsAvx512?.MinMs,
            },
            ["seeds_run"] = runs.Count, ["seeds_reaching_98"] = reaching,
            ["median_minutes_50_epochs"] = AirBenchReport.Median(runs.Select(r => r["minutes_50_epochs"]!.GetValue<double>())),
            ["median_minutes_to_98"] = AirBenchReport.Median(runs.Select(r => r["minutes_to_98"]?.GetValue<double>() ?? double.PositiveInfinity)),
            ["three_digit_count_accuracy"] = AirBenchReport.Median(runs.Select(r => r["three_digit_count_accuracy"]!.GetValue<double>())),
            ["seeds"] = new JsonArray(runs.ToArray<JsonNode?>()),
        };
        if (runs.Count > 0)
            Console.WriteLine($"reliability: {reaching} of {runs.Count} seeds reached ≥ {Target:P0} held-out count accuracy " +
                              $"({string.Join(", ", runs.Select(r => $"seed {r["seed"]}: {r["final_accuracy"]!.GetValue<double>():P1}"))}); " +
                              $"median {result["median_minutes_50_epochs"]!.GetValue<double>():F1} min for {epochs} epochs");
        string repo = Attend.Notebooks.SourceTree.RequireRoot();
        // A run on MKL's AVX-512 path goes beside the results of MKL as it comes.
        string pathSuffix = avx512InProcess ? "-mkl-avx512" : "";
        if (runs.Count == 0)
        {
            // A speed-only run (--seeds 0) keeps the last full result and writes its step timings beside it.
            foreach (var key in new[] { "seeds_run", "seeds_reaching_98", "median_minutes_50_epochs", "median_minutes_to_98",
                                        "three_digit_count_accuracy", "seeds", "epochs", "train_scenes", "test_scenes", "three_digit_scenes" })
                result.Remove(key);
            Write(result, Path.Combine(repo, "bench", "results", $"air-step-{get_num_threads()}threads{pathSuffix}.json"));
            return;
        }
        // An ablation (a decay or a baseline learning rate other than the default) goes beside the main result, not over it.
        var defaults = new AirConfig();
        string name = "air"
                      + (config.SignalNormalisationDecay == defaults.SignalNormalisationDecay ? "" : $"-decay{config.SignalNormalisationDecay}")
                      + (config.BaselineLearningRate == defaults.BaselineLearningRate ? "" : $"-baselinelr{config.BaselineLearningRate}")
                      + pathSuffix + ".json";
        string path = Path.Combine(repo, "bench", "results", name);
        Write(result, path);
    }

    static void Write(JsonObject result, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(path + ".tmp", path, overwrite: true);
        Console.WriteLine($"written to bench/results/{Path.GetFileName(path)}");
    }

    /// <summary>The notes' straightforward form of a config's step: the first layer on the concatenation (image, z, h) at every
    /// step, grid_sample crop and paste, windows decoded and pasted step by step, weight gradients per step and use, and
    /// TorchSharp's Adam.</summary>
    internal static AirConfig Straightforward(AirConfig config) => config with
    {
        CropSampling = WhereSampling.GridSample, PasteSampling = WhereSampling.GridSample, BatchedDecoding = false, ImageTermOnce = false,
        StepWeightGradientsOnce = false, SinglePassAdam = false,
    };

    /// <summary>Times one training step (batch 64) of each form (<see cref="StepSamples"/>) and prints the forms' timings.</summary>
    static List<Timing> Steps(Tensor x, (string Name, AirConfig Config)[] forms, int repeats)
    {
        var samples = StepSamples(x, forms.Select(f => f.Config).ToArray(), repeats, out double rss0);
        var timings = new List<Timing>();
        for (int f = 0; f < forms.Length; f++)
        {
            var ms = samples[f].Order().ToArray();
            var t = new Timing($"AIR training step, batch 64, {forms[f].Name}", ms[0], ms[ms.Length / 2], ms.Length, rss0, Measure.RssMb());
            Console.WriteLine(t);
            Console.WriteLine($"  → {64 / (t.MedianMs / 1000):F0} scenes/s (median), {64 / (t.MinMs / 1000):F0} scenes/s (best)");
            timings.Add(t);
        }
        return timings;
    }

    /// <summary>The step times (ms) of each config: <paramref name="repeats"/> rounds of <see cref="StepRounds"/> after two
    /// warm-up rounds. <paramref name="rss0"/>: resident memory after the warm-up.</summary>
    internal static List<double>[] StepSamples(Tensor x, AirConfig[] configs, int repeats, out double rss0)
    {
        using var rounds = new StepRounds(x, configs);
        rounds.Round(-2);
        rounds.Round(-1);
        rss0 = Measure.RssMb();
        var samples = configs.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < repeats; round++)
        {
            var ms = rounds.Round(round);
            for (int f = 0; f < configs.Length; f++) samples[f].Add(ms[f]);
        }
        return samples;
    }

    /// <summary>Where the default step's time goes: the medians over <paramref name="repeats"/> steps (after two warm-up
    /// steps) of its parts, timed in the order <see cref="AirTraining.Step"/> runs them: clearing the gradients, the forward
    /// pass, the loss (read back, so that its work is done), the backward pass and Adam's update.</summary>
    static Dictionary<string, double> StepParts(Tensor x, AirConfig config, int repeats)
    {
        manual_seed(0);
        using var model = new AirModel(config);
        using var optimizer = AirTraining.CreateOptimizer(model);
        using var g = new Generator(0);
        string[] names = { "clear_gradients", "forward", "loss", "backward", "adam" };
        var samples = names.Select(_ => new List<double>()).ToArray();
        for (int round = -2; round < repeats; round++)
        {
            using var _ = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            var marks = new double[names.Length];
            AirTraining.ClearGradients(model);
            marks[0] = sw.Elapsed.TotalMilliseconds;
            var r = model.call(x, g);
            marks[1] = sw.Elapsed.TotalMilliseconds;
            var losses = AirLoss.Compute(x, r, config, model.SignalNormaliser);
            losses.Total.item<float>();
            marks[2] = sw.Elapsed.TotalMilliseconds;
            losses.Total.backward();
            marks[3] = sw.Elapsed.TotalMilliseconds;
            optimizer.step();
            marks[4] = sw.Elapsed.TotalMilliseconds;
            r.Dispose(); losses.Dispose();
            if (round >= 0)
                for (int i = 0; i < names.Length; i++) samples[i].Add(marks[i] - (i == 0 ? 0 : marks[i - 1]));
        }
        var medians = names.Select((n, i) => (n, samples[i].Order().ElementAt(samples[i].Count / 2))).ToDictionary(t => t.n, t => t.Item2);
        Console.WriteLine($"default step, by part (medians of {repeats}): " +
                          string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:F1} ms")) + $"; sum {medians.Values.Sum():F1} ms");
        return medians;
    }

    /// <summary>Both networks' image terms of one batch, forward and backward: the default (over the inked pixels) against
    /// each network's dense product; with the batch's share of nonzero values, which decides between them.</summary>
    static (double InkShare, Timing Inked, Timing Dense) ImageTerms(Tensor images, AirConfig config, int repeats)
    {
        manual_seed(0);
        using var rnn = new InferenceRnn(config, baseline: false);
        using var baseline = new InferenceRnn(config, baseline: true);
        var flat = images.reshape(images.shape[0], -1);
        double share = flat.ne(0).to_type(ScalarType.Float64).mean().item<double>();
        void Clear()
        {
            foreach (var p in rnn.parameters().Concat(baseline.parameters())) p.grad = null;
        }
        var inked = Measure.Time("image terms, batch 64, forward + backward: over the inked pixels", repeats, () =>
        {
            Clear();
            var (first, second) = InferenceRnn.ImageTerms(rnn, baseline, flat);
            (first.sum() + second.sum()).backward();
        });
        var dense = Measure.Time("image terms, batch 64, forward + backward: each network's dense product", repeats, () =>
        {
            Clear();
            (rnn.ImageTerm(flat).sum() + baseline.ImageTerm(flat).sum()).backward();
        });
        Console.WriteLine(inked);
        Console.WriteLine(dense);
        Console.WriteLine($"  → {share:P1} of the batch's values are nonzero; the inked-pixel form is " +
                          $"{dense.MedianMs / inked.MedianMs:F1}× faster (medians, same run)");
        return (share, inked, dense);
    }

    /// <summary>AIR's crop (50² → 24²) and paste (24² → 50²) of one step, forward and backward with
    /// the gradient to z_where: affine_grid + grid_sample, the separable form and direct sampling, in one run.</summary>
    static void CropAndPaste(Tensor images, int repeats)
    {
        using var g = new Generator(3);
        var zWhere = cat(new[] { rand(64, 1, generator: g) * 2 + 1.5, rand(64, 2, generator: g) - 0.5 }, 1);
        var timings = new List<Timing>();
        var forms = new[]
        {
            ("affine_grid + grid_sample", WhereSampling.GridSample), ("separable (R_y · x · R_xᵀ)", WhereSampling.Separable),
            ("direct (pixel by pixel over the covered part)", WhereSampling.Direct),
        };
        foreach (var (name, sampling) in forms)
            timings.Add(Measure.Time($"crop + paste, batch 64, forward + backward: {name}", repeats, () =>
            {
                using var _ = NewDisposeScope();
                var z = zWhere.detach().requires_grad_();
                var window = Attend.Spatial.ZWhere.ImageToWindow(images, z, 24, sampling);
                Attend.Spatial.ZWhere.WindowToImage(window, z, 50, sampling).sum().backward();
            }));
        foreach (var t in timings) Console.WriteLine(t);
        Console.WriteLine($"  → separable is {timings[0].MedianMs / timings[1].MedianMs:F1}× faster than grid_sample, direct " +
                          $"{timings[0].MedianMs / timings[2].MedianMs:F1}× (medians, same run)");
    }
}

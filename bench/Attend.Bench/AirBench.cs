// AIR suite (the AIR notes' full setting): the training step's speed (scenes/second, min/median
// of repeats), then whole trainings of 50 epochs on 10,000 Multi-MNIST scenes, one per seed
// (seeds firstSeed, firstSeed + 1, …),
// printing time and memory per epoch, total time and held-out count accuracy, and at the end
// how many seeds reached 98 %.
using System.Diagnostics;
using Attend.Air;
using Attend.Data;
using static TorchSharp.torch;

namespace Attend.Bench;

static class AirBench
{
    public static void Run(int repeats, int seeds, int firstSeed, int epochs)
    {
        var device = Attend.Runtime.TorchSetup.Init(0);
        var (trainDigits, testDigits) = Mnist.Load();
        Console.WriteLine($"digits: {trainDigits.Description}; held-out scenes use only {testDigits.Description}");
        using var train = MultiMnist.GenerateAir(trainDigits, 10_000, seed: 1);
        using var test = MultiMnist.GenerateAir(testDigits, 2_000, seed: 2);

        CropAndPaste(train.Images.narrow(0, 0, 64), repeats);

        manual_seed(0);
        using (var model = new AirModel())
        using (var optimizer = AirTraining.CreateOptimizer(model))
        using (var g = new Generator(0))
        {
            var x = train.Images.narrow(0, 0, 64);
            var step = Measure.Time("AIR training step, batch 64 (forward, losses, backward, Adam)", repeats, () =>
            {
                optimizer.zero_grad();
                using var r = model.call(x, g);
                using var l = AirLoss.Compute(x, r, model.Config);
                l.Total.backward();
                optimizer.step();
            });
            Console.WriteLine(step);
            Console.WriteLine($"  → {64 / (step.MedianMs / 1000):F0} scenes/s (median), {64 / (step.MinMs / 1000):F0} scenes/s (best)");
        }

        if (seeds < 1) return;
        var results = new List<(int Seed, double Accuracy, double Seconds)>();
        for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            manual_seed(seed);
            using var model = new AirModel();
            using var optimizer = AirTraining.CreateOptimizer(model);
            var settings = new AirSettings(Epochs: epochs, Seed: seed, CheckpointEpochs: Array.Empty<int>());
            Console.WriteLine($"seed {seed}: {settings}");
            var sw = Stopwatch.StartNew();
            var history = AirTraining.Train(model, optimizer, train, test, settings, device: device,
                                            progress: e => Console.WriteLine($"  {e}"));
            double seconds = sw.Elapsed.TotalSeconds;
            var rss = history.Skip(1).Select(e => e.ResidentMb).DefaultIfEmpty(history[0].ResidentMb).ToList();
            var perEpoch = history.Select(e => e.Elapsed.TotalSeconds).OrderBy(t => t).ToList();
            Console.WriteLine($"seed {seed}: {epochs} epochs in {seconds:F0} s ({seconds / 60:F1} min); " +
                              $"per epoch min {perEpoch[0]:F1} s, median {perEpoch[perEpoch.Count / 2]:F1} s; " +
                              $"RSS after epochs 2..{epochs}: {rss.Min():F0}–{rss.Max():F0} MB; " +
                              $"held-out count accuracy {history[^1].TestCountAccuracy:P2}");
            results.Add((seed, history[^1].TestCountAccuracy, seconds));
        }
        if (results.Count > 0)
            Console.WriteLine($"reliability: {results.Count(r => r.Accuracy >= 0.98)} of {results.Count} seeds " +
                              "reached ≥ 98 % held-out count accuracy " +
                              $"({string.Join(", ", results.Select(r => $"seed {r.Seed}: {r.Accuracy:P1}"))}); " +
                              $"slowest run {results.Max(r => r.Seconds) / 60:F1} min");
    }

    /// <summary>AIR's crop (50² → 24²) and paste (24² → 50²) of one step, forward and backward with
    /// the gradient to z_where: affine_grid + grid_sample against the separable form, in one run.</summary>
    static void CropAndPaste(Tensor images, int repeats)
    {
        using var g = new Generator(3);
        var zWhere = cat(new[] { rand(64, 1, generator: g) * 2 + 1.5, rand(64, 2, generator: g) - 0.5 }, 1);
        var timings = new List<Timing>();
        foreach (var (name, separable) in new[] { ("affine_grid + grid_sample", false), ("separable (R_y · x · R_xᵀ)", true) })
            timings.Add(Measure.Time($"crop + paste, batch 64, forward + backward: {name}", repeats, () =>
            {
                using var _ = NewDisposeScope();
                var z = zWhere.detach().requires_grad_();
                var inverse = Attend.Spatial.ZWhere.ToTheta(Attend.Spatial.ZWhere.Invert(z));
                var window = separable
                    ? Attend.Spatial.SeparableSampling.Sample(images, inverse, 24, 24, false)
                    : Attend.Spatial.Glimpse.Sample(images, inverse, 24, 24, false);
                var theta = Attend.Spatial.ZWhere.ToTheta(z);
                var pasted = separable
                    ? Attend.Spatial.SeparableSampling.Sample(window, theta, 50, 50, false)
                    : Attend.Spatial.Glimpse.Sample(window, theta, 50, 50, false);
                pasted.sum().backward();
            }));
        foreach (var t in timings) Console.WriteLine(t);
        Console.WriteLine($"  → separable is {timings[0].MedianMs / timings[1].MedianMs:F1}× faster (medians, same run)");
    }
}

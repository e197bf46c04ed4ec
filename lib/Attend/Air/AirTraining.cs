// Maps an AIR model and unlabelled scenes to a trained model and its curves: Adam with two
// parameter groups (model 1e-4, baseline 1e-2), minibatches of 64 in a fresh order each epoch,
// per-epoch means of the four loss terms and of the count accuracy, the held-out count accuracy
// after every epoch, and checkpoints at chosen epochs. Each epoch draws its shuffle and samples
// from a generator seeded by (seed, epoch), so a run is reproducible on the CPU and can resume
// from any checkpoint exactly. Counts are used only to measure accuracy, never to train.
using System.Diagnostics;
using Attend.Data;
using Attend.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.Air;

/// <summary>Training settings; CheckpointEpochs are the epochs after which model and optimizer are
/// saved (null: the seed's 1, 10 and the last).</summary>
public sealed record AirSettings(int Epochs = 50, int BatchSize = 64, long Seed = 0, IReadOnlyList<int>? CheckpointEpochs = null)
{
    public IReadOnlyList<int> SavedEpochs => CheckpointEpochs ?? new[] { 1, 10, Epochs }.Where(e => e <= Epochs).Distinct().ToArray();
    public override string ToString() => $"{Epochs} epochs, batch {BatchSize}, seed {Seed}, checkpoints after epochs {string.Join(", ", SavedEpochs)}";
}

public sealed record AirEpoch(int Epoch, double KlDivergence, double Nll, double Reinforce, double Baseline,
                              double TrainCountAccuracy, double TestCountAccuracy, TimeSpan Elapsed, double ScenesPerSecond, double ResidentMb)
{
    public override string ToString() =>
        $"epoch {Epoch,3}: KL {KlDivergence,7:F2}  NLL {Nll,8:F2}  REINFORCE {Reinforce,8:F2}  baseline {Baseline,9:F1}  " +
        $"count acc. train {TrainCountAccuracy:P1} test {TestCountAccuracy:P1}  ({Elapsed.TotalSeconds:F1} s, {ScenesPerSecond:F0} scenes/s, RSS {ResidentMb:F0} MB)";
}

public static class AirTraining
{
    public static Adam CreateOptimizer(AirModel model) => optim.Adam(new[]
    {
        new Adam.ParamGroup(model.ModelParameters(), lr: model.Config.LearningRate),
        new Adam.ParamGroup(model.BaselineParameters(), lr: model.Config.BaselineLearningRate),
    });

    /// <summary>Path of the checkpoint written after <paramref name="epoch"/> in <paramref name="folder"/>.</summary>
    public static string CheckpointPath(string folder, AirSettings s, int epoch) => Path.Combine(folder, $"air-seed{s.Seed}-of{s.Epochs}-epoch{epoch}.ckpt");

    /// <summary>Trains from <paramref name="startEpoch"/> (1, or one past a resumed checkpoint's epoch).
    /// <paramref name="test"/> may be null (no held-out accuracy).</summary>
    public static List<AirEpoch> Train(AirModel model, Adam optimizer, MultiMnistScenes train, MultiMnistScenes? test, AirSettings s,
                                       string? checkpointFolder = null, int startEpoch = 1, Device? device = null, Action<AirEpoch>? progress = null)
    {
        if (s.Epochs < 1 || s.BatchSize < 1 || startEpoch < 1) throw new ArgumentException($"invalid AIR settings {s} (start epoch {startEpoch})");
        device ??= CPU;
        model.to(device);
        var history = new List<AirEpoch>();
        for (int epoch = startEpoch; epoch <= s.Epochs; epoch++)
        {
            var sw = Stopwatch.StartNew();
            model.train();
            using var g = new Generator((ulong)(s.Seed * 1_000_003 + epoch), device);
            using var shuffle = new Generator((ulong)(s.Seed * 1_000_003 + epoch));
            double kl = 0, nll = 0, reinforce = 0, baseline = 0; long correct = 0, seen = 0;
            using (var order = randperm(train.Count, generator: shuffle))
                for (long start = 0; start < train.Count; start += s.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var idx = order.narrow(0, start, Math.Min(s.BatchSize, train.Count - start));
                    var x = train.Images.index_select(0, idx).to(device);
                    optimizer.zero_grad();
                    using var r = model.Infer(x, g);
                    using var losses = AirLoss.Compute(x, r, model.Config);
                    losses.Total.backward();
                    optimizer.step();
                    long n = idx.shape[0];
                    kl += losses.KlDivergence.item<float>() * n; nll += losses.Nll.item<float>() * n;
                    reinforce += losses.Reinforce.item<float>() * n; baseline += losses.Baseline.item<float>() * n;
                    correct += r.Counts.cpu().eq(train.Counts.index_select(0, idx)).sum().item<long>();
                    seen += n;
                }
            double trainSeconds = sw.Elapsed.TotalSeconds;
            double testAccuracy = test is null ? double.NaN : CountAccuracy(model, test, s.Seed, device);
            if (checkpointFolder != null && s.SavedEpochs.Contains(epoch))
                Checkpoint.Save(CheckpointPath(checkpointFolder, s, epoch), model, optimizer,
                                new CheckpointInfo(epoch, testAccuracy, $"AIR, {s}"));
            using var self = Process.GetCurrentProcess();
            var e = new AirEpoch(epoch, kl / seen, nll / seen, reinforce / seen, baseline / seen, (double)correct / seen, testAccuracy,
                                 sw.Elapsed, seen / trainSeconds, self.WorkingSet64 / 1e6);
            history.Add(e);
            progress?.Invoke(e);
        }
        return history;
    }

    /// <summary>Fraction of scenes whose inferred count (Σ z_pres, sampled as in training, from a
    /// generator seeded by <paramref name="seed"/>) equals the true count. No gradients.</summary>
    public static double CountAccuracy(AirModel model, MultiMnistScenes scenes, long seed = 0, Device? device = null, int batchSize = 500)
    {
        using var inferred = InferredCounts(model, scenes, seed, device, batchSize);
        return inferred.eq(scenes.Counts).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>The count AIR infers for every scene [N] (int64, on the CPU).</summary>
    public static Tensor InferredCounts(AirModel model, MultiMnistScenes scenes, long seed = 0, Device? device = null, int batchSize = 500)
    {
        device ??= CPU;
        bool wasTraining = model.training;
        model.eval();
        using var g = new Generator((ulong)seed + 7_777, device);
        var counts = new List<Tensor>();
        using (no_grad())
            for (long start = 0; start < scenes.Count; start += batchSize)
            {
                long n = Math.Min(batchSize, scenes.Count - start);
                using var r = model.Infer(scenes.Images.narrow(0, start, n).to(device), g);
                counts.Add(r.Counts.cpu());
            }
        model.train(wasTraining);
        var all = cat(counts, 0);
        foreach (var c in counts) c.Dispose();
        return all;
    }

    /// <summary>Confusion of counts: entry [true, inferred] is the number of scenes with that pair
    /// (rows and columns 0..maxCount).</summary>
    public static long[,] CountConfusion(Tensor trueCounts, Tensor inferredCounts, int maxCount)
    {
        var t = trueCounts.data<long>().ToArray(); var i = inferredCounts.data<long>().ToArray();
        if (t.Length != i.Length) throw new ArgumentException($"{t.Length} true counts but {i.Length} inferred ones");
        var m = new long[maxCount + 1, maxCount + 1];
        for (int k = 0; k < t.Length; k++) m[Math.Clamp(t[k], 0, maxCount), Math.Clamp(i[k], 0, maxCount)]++;
        return m;
    }

    /// <summary>Restores model and optimizer from a checkpoint; training continues at the returned epoch + 1.</summary>
    public static CheckpointInfo Resume(string path, AirModel model, Adam optimizer) => Checkpoint.Load(path, model, optimizer);
}

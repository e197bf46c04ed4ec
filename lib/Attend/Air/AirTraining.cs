// Maps an AIR model and unlabelled scenes to a trained model and its curves: Adam with two
// parameter groups (model 1e-4, baseline 1e-3), minibatches of 64 in a fresh order each epoch,
// per-epoch means of the four loss terms and of the count accuracy, the held-out count accuracy
// after every epoch, and checkpoints at chosen epochs. Each epoch draws its shuffle and samples
// from a generator seeded by (seed, epoch), so a run is reproducible on the CPU and can resume
// from any checkpoint exactly. Counts are used only to measure accuracy, never to train.
using Attend.Data;
using Attend.Training;
using Attend.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.Air;

/// <summary>Training settings; CheckpointEpochs are the epochs after which model and optimizer are
/// saved (null: the AIR notes' 1, 10 and the last).</summary>
public sealed record AirSettings(int Epochs = 50, int BatchSize = 64, long Seed = 0, IReadOnlyList<int>? CheckpointEpochs = null)
{
    public IReadOnlyList<int> SavedEpochs => CheckpointEpochs ?? new[] { 1, 10, Epochs }.Where(e => e <= Epochs).Distinct().ToArray();
    public override string ToString() =>
        $"{Epochs} epochs, batch {BatchSize}, seed {Seed}, checkpoints after epochs {string.Join(", ", SavedEpochs)}";
}

public sealed record AirEpoch(int Epoch, double KlDivergence, double Nll, double Reinforce, double Baseline,
                              double TrainCountAccuracy, double TestCountAccuracy, TimeSpan Elapsed, double ScenesPerSecond, double ResidentMb)
{
    public override string ToString() =>
        $"epoch {Epoch,3}: KL {KlDivergence,7:F2}  NLL {Nll,8:F2}  REINFORCE {Reinforce,8:F2}  baseline {Baseline,9:F1}  " +
        $"count acc. train {TrainCountAccuracy:P1} test {TestCountAccuracy:P1}  " +
        $"({Elapsed.TotalSeconds:F1} s, {ScenesPerSecond:F0} scenes/s, RSS {ResidentMb:F0} MB)";
}

public static class AirTraining
{
    public static Adam CreateOptimizer(AirModel model)
    {
        var groups = new[]
        {
            new Adam.ParamGroup(model.ModelParameters(), lr: model.Config.LearningRate),
            new Adam.ParamGroup(model.BaselineParameters(), lr: model.Config.BaselineLearningRate),
        };
        return model.Config.SinglePassAdam ? new Training.SinglePassAdam(groups) : optim.Adam(groups);
    }

    /// <summary>Path of the checkpoint written after <paramref name="epoch"/> in <paramref name="folder"/>.</summary>
    public static string CheckpointPath(string folder, AirSettings s, int epoch) =>
        Path.Combine(folder, $"air-seed{s.Seed}-of{s.Epochs}-epoch{epoch}.ckpt");

    /// <summary>Trains from <paramref name="startEpoch"/> (1, or one past a resumed checkpoint's epoch).
    /// <paramref name="test"/> may be null (no held-out accuracy). Stops between batches when
    /// <paramref name="cancellation"/> is set.</summary>
    public static List<AirEpoch> Train(AirModel model, Adam optimizer, MultiMnistScenes train, MultiMnistScenes? test, AirSettings s,
                                       string? checkpointFolder = null, int startEpoch = 1, Device? device = null, Action<AirEpoch>? progress = null,
                                       CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null)
    {
        device ??= CPU;
        model.to(device);
        var loop = new LoopOptions(s.Epochs, s.BatchSize, s.Seed, startEpoch, Noise: NoiseStream.Device, Device: device,
                                   Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(model, train.Count, loop, batch =>
        {
            var step = Step(model, optimizer, batch.Select(train.Images).to(device), batch.Noise);
            using var r = step.Inference;
            using var losses = step.Losses;
            batch.Record("kl", losses.KlDivergence.item<float>());
            batch.Record("nll", losses.Nll.item<float>());
            batch.Record("reinforce", losses.Reinforce.item<float>());
            batch.Record("baseline", losses.Baseline.item<float>());
            batch.Count("correct", r.Counts.cpu().eq(batch.Select(train.Counts)).sum().item<long>());
        }, t =>
        {
            double testAccuracy = test is null ? double.NaN : CountAccuracy(model, test, s.Seed, device);
            if (checkpointFolder != null && s.SavedEpochs.Contains(t.Epoch))
                Checkpoint.Save(CheckpointPath(checkpointFolder, s, t.Epoch), model, optimizer,
                                new CheckpointInfo(t.Epoch, testAccuracy, $"AIR, {s}"));
            return new AirEpoch(t.Epoch, t.Mean("kl"), t.Mean("nll"), t.Mean("reinforce"), t.Mean("baseline"), t.Fraction("correct"),
                                testAccuracy, t.Elapsed, t.SamplesPerSecond, ResidentMemory.Megabytes());
        }, progress);
    }

    /// <summary>One optimisation step on a batch of scenes: inference (sampling from <paramref name="noise"/>), the four
    /// losses, backward and Adam. The caller disposes the returned inference and losses.</summary>
    public static (AirInference Inference, AirLosses Losses) Step(AirModel model, Adam optimizer, Tensor images, Generator? noise)
    {
        ClearGradients(model);
        var r = model.call(images, noise);
        var losses = AirLoss.Compute(images, r, model.Config, model.SignalNormaliser);
        losses.Total.backward();
        optimizer.step();
        return (r, losses);
    }

    /// <summary>Sets every parameter's gradient to none, as PyTorch's zero_grad does by default: the backward pass then
    /// writes each gradient instead of adding it to a zero-filled one. Every parameter of AIR gets a gradient at every
    /// step, so Adam's update is the same as after zeroing, bit for bit (the resume test compares whole trainings).</summary>
    public static void ClearGradients(AirModel model)
    {
        foreach (var p in model.parameters()) p.grad = null;
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
        using var g = new Generator(TrainingSeeds.ForEvaluation(seed, TrainingSeeds.AirCounting), device);
        var counts = new List<Tensor>();
        EvaluationBatches.Run(model, scenes.Count, batchSize, (start, n) =>
        {
            using var r = model.call(scenes.Images.narrow(0, start, n).to(device), g);
            counts.Add(r.Counts.cpu().DetachFromDisposeScope());
        });
        var all = cat(counts, 0);
        foreach (var c in counts) c.Dispose();
        return all;
    }

    /// <summary>Restores model and optimizer from a checkpoint; training continues at the returned epoch + 1.</summary>
    public static CheckpointInfo Resume(string path, AirModel model, Adam optimizer) => Checkpoint.Load(path, model, optimizer);
}

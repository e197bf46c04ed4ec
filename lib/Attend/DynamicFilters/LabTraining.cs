// Maps a dynamic- or static-filter network and the lab's data to the lab's training (2.2):
// Adam on cross-entropy over the ten class scores, evaluation after every epoch, a checkpoint
// (model + optimizer) whenever test accuracy improves, and resume from it. Each epoch draws its
// shuffle and augmentation from a generator seeded by (seed, epoch), so a resumed run continues
// exactly as an uninterrupted one would.
using Attend.Data;
using Attend.Training;
using Attend.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.DynamicFilters;

/// <summary>Lab training settings; with CosineSchedule the learning rate follows a half cosine from
/// LearningRate (first epoch) towards 0 over Epochs.</summary>
public sealed record LabSettings(int Epochs = 8, int BatchSize = 128, double LearningRate = 1e-3, long Seed = 0, bool Augment = true,
                                 bool FreezeBackbone = false, bool CosineSchedule = true)
{
    /// <summary>The learning rate of <paramref name="epoch"/> (1-based): a function of the epoch alone, so
    /// resuming needs no scheduler state.</summary>
    public double LearningRateAt(int epoch) => CosineSchedule ? LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / Epochs)) : LearningRate;
}

public sealed record LabEpoch(int Epoch, double TrainLoss, double TrainAccuracy, double TestAccuracy, TimeSpan Elapsed,
                              double ResidentMb, bool Saved);

public static class LabTraining
{
    /// <summary>Adam over the trainable parameters; with FreezeBackbone the backbone gets no
    /// gradients and keeps its batch-norm statistics.</summary>
    public static Adam CreateOptimizer(DynamicFilterNet model, LabSettings s)
    {
        foreach (var p in model.Backbone.parameters()) p.requires_grad = !s.FreezeBackbone;
        return optim.Adam(model.parameters().Where(p => p.requires_grad), s.LearningRate);
    }

    /// <summary>Trains from <paramref name="startEpoch"/>, checkpointing whenever test accuracy beats
    /// <paramref name="bestTestAccuracy"/>. Stops between batches when <paramref name="cancellation"/> is set.</summary>
    public static List<LabEpoch> Train(DynamicFilterNet model, OptimizerHelper optimizer, LabDataset data, LabSettings s,
                                       string? checkpointPath = null, int startEpoch = 1, double bestTestAccuracy = double.NegativeInfinity,
                                       Device? device = null, Action<LabEpoch>? progress = null,
                                       CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null)
    {
        device ??= CPU;
        model.to(device);
        var loop = new LoopOptions(s.Epochs, s.BatchSize, s.Seed, startEpoch, Device: device, Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(model, data.Train.Count, loop, batch =>
        {
            var x = batch.Select(data.Train.Images);
            if (s.Augment) x = LabData.Augment(x, batch.Noise);
            var y = batch.Select(data.Train.Labels).to(device);
            optimizer.zero_grad();
            var scores = model.call(x.to(device));
            var loss = nn.functional.cross_entropy(scores, y);
            loss.backward();
            optimizer.step();
            batch.Record("loss", loss.item<float>());
            batch.Count("correct", scores.argmax(1).eq(y).sum().item<long>());
        }, t =>
        {
            double accuracy = Accuracy(model, data.Test, device);
            bool improved = accuracy > bestTestAccuracy;
            if (improved)
            {
                bestTestAccuracy = accuracy;
                if (checkpointPath != null)
                    Checkpoint.Save(checkpointPath, model, optimizer, new CheckpointInfo(t.Epoch, accuracy, $"{model.Path} filters, {s}"));
            }
            return new LabEpoch(t.Epoch, t.Mean("loss"), t.Fraction("correct"), accuracy, t.Elapsed, ResidentMemory.Megabytes(),
                                improved && checkpointPath != null);
        }, progress, beginEpoch: epoch =>
        {
            if (s.FreezeBackbone) model.Backbone.eval();
            foreach (var group in optimizer.ParamGroups) group.LearningRate = s.LearningRateAt(epoch);
        });
    }

    /// <summary>Restores model and optimizer from the best checkpoint; training continues at the returned epoch + 1.</summary>
    public static CheckpointInfo Resume(string checkpointPath, DynamicFilterNet model, OptimizerHelper optimizer)
        => Checkpoint.Load(checkpointPath, model, optimizer);

    public static double Accuracy(nn.Module<Tensor, Tensor> model, ImageSet set, Device? device = null, int batchSize = 500)
        => Nn.Evaluation.Accuracy(model, set, device, batchSize);
}

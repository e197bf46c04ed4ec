// Maps a dynamic- or static-filter network and the lab's data to the lab's training (2.2):
// Adam on cross-entropy over the ten class scores, evaluation after every epoch, a checkpoint
// (model + optimizer) whenever test accuracy improves, and resume from it. Each epoch draws its
// shuffle and augmentation from a generator seeded by (seed, epoch), so a resumed run continues
// exactly as an uninterrupted one would.
using System.Diagnostics;
using Attend.Data;
using Attend.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.DynamicFilters;

/// <summary>Lab training settings; with CosineSchedule the learning rate follows a half cosine from
/// LearningRate (first epoch) towards 0 over Epochs.</summary>
public sealed record LabSettings(int Epochs = 8, int BatchSize = 128, double LearningRate = 1e-3, long Seed = 0, bool Augment = true, bool FreezeBackbone = false, bool CosineSchedule = true)
{
    /// <summary>The learning rate of <paramref name="epoch"/> (1-based): a function of the epoch alone, so resuming needs no scheduler state.</summary>
    public double LearningRateAt(int epoch) => CosineSchedule ? LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / Epochs)) : LearningRate;
}

public sealed record LabEpoch(int Epoch, double TrainLoss, double TrainAccuracy, double TestAccuracy, TimeSpan Elapsed, double ResidentMb, bool Saved);

public static class LabTraining
{
    /// <summary>Adam over the trainable parameters; with FreezeBackbone the backbone gets no
    /// gradients and keeps its batch-norm statistics.</summary>
    public static Adam CreateOptimizer(DynamicFilterNet model, LabSettings s)
    {
        foreach (var p in model.backbone.parameters()) p.requires_grad = !s.FreezeBackbone;
        return optim.Adam(model.parameters().Where(p => p.requires_grad), s.LearningRate);
    }

    public static List<LabEpoch> Train(DynamicFilterNet model, OptimizerHelper optimizer, LabDataset data, LabSettings s,
                                       string? checkpointPath = null, int startEpoch = 1, double bestTestAccuracy = double.NegativeInfinity,
                                       Device? device = null, Action<LabEpoch>? progress = null)
    {
        if (s.Epochs < 1 || s.BatchSize < 1) throw new ArgumentException($"invalid settings {s}");
        device ??= CPU;
        model.to(device);
        var history = new List<LabEpoch>();
        for (int epoch = startEpoch; epoch <= s.Epochs; epoch++)
        {
            var sw = Stopwatch.StartNew();
            model.train();
            if (s.FreezeBackbone) model.backbone.eval();
            using var g = new Generator((ulong)(s.Seed * 1_000_003 + epoch));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = s.LearningRateAt(epoch);
            double lossSum = 0; long correct = 0, seen = 0;
            using (var order = randperm(data.Train.Count, generator: g))
                for (long start = 0; start < data.Train.Count; start += s.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var idx = order.narrow(0, start, Math.Min(s.BatchSize, data.Train.Count - start));
                    var x = data.Train.Images.index_select(0, idx);
                    if (s.Augment) x = LabData.Augment(x, g);
                    var y = data.Train.Labels.index_select(0, idx).to(device);
                    optimizer.zero_grad();
                    var scores = model.call(x.to(device));
                    var loss = nn.functional.cross_entropy(scores, y);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * idx.shape[0];
                    correct += scores.argmax(1).eq(y).sum().item<long>();
                    seen += idx.shape[0];
                }
            double accuracy = Accuracy(model, data.Test, device);
            bool improved = accuracy > bestTestAccuracy;
            if (improved)
            {
                bestTestAccuracy = accuracy;
                if (checkpointPath != null) Checkpoint.Save(checkpointPath, model, optimizer, new CheckpointInfo(epoch, accuracy, $"{model.Path} filters, {s}"));
            }
            var e = new LabEpoch(epoch, lossSum / seen, (double)correct / seen, accuracy, sw.Elapsed, Process.GetCurrentProcess().WorkingSet64 / 1e6, improved && checkpointPath != null);
            history.Add(e);
            progress?.Invoke(e);
        }
        return history;
    }

    /// <summary>Restores model and optimizer from the best checkpoint; training continues at the returned epoch + 1.</summary>
    public static CheckpointInfo Resume(string checkpointPath, DynamicFilterNet model, OptimizerHelper optimizer) => Checkpoint.Load(checkpointPath, model, optimizer);

    public static double Accuracy(nn.Module<Tensor, Tensor> model, ImageSet set, Device? device = null, int batchSize = 500)
        => Nn.Evaluation.Accuracy(model, set, device, batchSize);
}

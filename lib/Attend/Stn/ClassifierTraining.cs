// Maps a classifier and labelled images to a trained classifier and its learning curve:
// Adam on cross-entropy, shuffled minibatches from a seeded generator, test error after
// every epoch; every step runs in a dispose scope so memory stays flat.
using System.Diagnostics;
using Attend.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Stn;

public sealed record EpochResult(int Epoch, double TrainLoss, double TestError, TimeSpan Elapsed);

public sealed record TrainingSettings(int Epochs = 10, int BatchSize = 64, double LearningRate = 1e-3, long Seed = 0);

public static class ClassifierTraining
{
    public static List<EpochResult> Train(Module<Tensor, Tensor> model, ImageSet train, ImageSet test, TrainingSettings s,
                                          Device? device = null, Action<EpochResult>? progress = null)
    {
        if (s.Epochs < 1 || s.BatchSize < 1 || s.LearningRate <= 0) throw new ArgumentException($"invalid training settings {s}");
        device ??= CPU;
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), s.LearningRate);
        using var g = new Generator((ulong)s.Seed);
        var curve = new List<EpochResult>();
        for (int epoch = 1; epoch <= s.Epochs; epoch++)
        {
            var sw = Stopwatch.StartNew();
            model.train();
            double lossSum = 0; long seen = 0;
            using (var order = randperm(train.Count, generator: g))
            {
                for (long start = 0; start < train.Count; start += s.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var idx = order.narrow(0, start, Math.Min(s.BatchSize, train.Count - start));
                    var x = train.Images.index_select(0, idx).to(device);
                    var y = train.Labels.index_select(0, idx).to(device);
                    optimizer.zero_grad();
                    var loss = functional.cross_entropy(model.call(x), y);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * idx.shape[0];
                    seen += idx.shape[0];
                }
            }
            var r = new EpochResult(epoch, lossSum / seen, TestError(model, test, device), sw.Elapsed);
            curve.Add(r);
            progress?.Invoke(r);
        }
        return curve;
    }

    /// <summary>Fraction of <paramref name="test"/> misclassified (eval mode, no gradients).</summary>
    public static double TestError(Module<Tensor, Tensor> model, ImageSet test, Device? device = null, int batchSize = 500)
        => 1 - Nn.Evaluation.Accuracy(model, test, device, batchSize);
}

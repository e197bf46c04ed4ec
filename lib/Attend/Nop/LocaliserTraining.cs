// Maps a localiser and images with target positions (and inputs) to a trained localiser and its
// curve: Adam on the Gaussian negative log-likelihood of the target centre under q (so μ learns
// the place and σ how sure it is), seeded shuffles, dispose scopes per step, and the mean position
// error in pixels on held-out images after every epoch.
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Nop;

/// <summary>Targets are object centres in normalised coordinates [N, 2] (x, y ∈ [−1, 1]); inputs [N, D] or null.</summary>
public sealed record LocalisationData(Tensor Images, Tensor Targets, Tensor? Inputs)
{
    public long Count => Images.shape[0];
}

public sealed record LocalisationEpoch(int Epoch, double TrainLoss, double TestErrorPixels, double TestWithinHalfSize, TimeSpan Elapsed);

public static class LocaliserTraining
{
    /// <summary>−log N(t; μ, σ²) per image without the constant: Σ_xy log σ + (t − μ)²/(2σ²).</summary>
    public static Tensor GaussianNll(Tensor q, Tensor targets)
    {
        using var _ = NewDisposeScope();
        var mu = q.narrow(1, 0, 2); var sigma = q.narrow(1, 2, 2);
        return (sigma.log() + (targets - mu).pow(2) / (2 * sigma.pow(2))).sum(1).MoveToOuterDisposeScope();
    }

    public static List<LocalisationEpoch> Train(Localiser model, LocalisationData train, LocalisationData test, int canvasSize, float objectHalfSize,
                                                int epochs, int batchSize = 32, double learningRate = 1e-3, long seed = 0,
                                                Device? device = null, Action<LocalisationEpoch>? progress = null)
    {
        if (epochs < 1 || batchSize < 1 || learningRate <= 0) throw new ArgumentException($"invalid settings: {epochs} epochs, batch {batchSize}, lr {learningRate}");
        device ??= CPU;
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), learningRate);
        var curve = new List<LocalisationEpoch>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var sw = Stopwatch.StartNew();
            model.train();
            using var g = new Generator((ulong)(seed * 1_000_003 + epoch));
            double lossSum = 0;
            using (var order = randperm(train.Count, generator: g))
                for (long start = 0; start < train.Count; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    var idx = order.narrow(0, start, Math.Min(batchSize, train.Count - start));
                    var q = model.Forward(train.Images.index_select(0, idx).to(device), train.Inputs?.index_select(0, idx).to(device));
                    var loss = GaussianNll(q, train.Targets.index_select(0, idx).to(device)).mean();
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * idx.shape[0];
                }
            var (error, within) = Evaluate(model, test, canvasSize, objectHalfSize, device);
            var e = new LocalisationEpoch(epoch, lossSum / train.Count, error, within, sw.Elapsed);
            curve.Add(e);
            progress?.Invoke(e);
        }
        return curve;
    }

    /// <summary>Mean distance in pixels between μ and the target centre, and the fraction of images
    /// where it is under the object's half size (the centre lands on the object).</summary>
    public static (double ErrorPixels, double WithinHalfSize) Evaluate(Localiser model, LocalisationData data, int canvasSize, float objectHalfSize, Device? device = null, int batchSize = 200)
    {
        device ??= CPU;
        bool wasTraining = model.training;
        model.eval();
        double sum = 0; long within = 0;
        using (no_grad())
            for (long start = 0; start < data.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(batchSize, data.Count - start);
                var q = model.Forward(data.Images.narrow(0, start, n).to(device), data.Inputs?.narrow(0, start, n).to(device)).cpu();
                var d = (q.narrow(1, 0, 2) - data.Targets.narrow(0, start, n)).mul(canvasSize / 2.0).pow(2).sum(1).sqrt();
                sum += d.sum().item<float>();
                within += d.lt(objectHalfSize).sum().item<long>();
            }
        model.train(wasTraining);
        return (sum / data.Count, (double)within / data.Count);
    }
}

// Maps a localiser and images with target positions (and inputs) to a trained localiser and its
// curve: Adam on the Gaussian negative log-likelihood of the target centre under q (so μ learns
// the place and σ how sure it is), seeded shuffles, dispose scopes per step, and the mean position
// error in pixels on held-out images after every epoch.
using Attend.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Nop;

/// <summary>Targets are object centres in normalised coordinates [N, 2] (x, y ∈ [−1, 1]); inputs [N, D] or null.</summary>
public sealed record LocalisationData(Tensor Images, Tensor Targets, Tensor? Inputs)
{
    public long Count => Images.shape[0];
}

public sealed record LocalisationEpoch(int Epoch, double TrainLoss, double TestErrorPixels, double TestWithinHalfSize, TimeSpan Elapsed)
{
    /// <summary>The held-out figures for a results file.</summary>
    public Dictionary<string, object> ToMetrics() => new() { ["error_px"] = TestErrorPixels, ["centre_on_object"] = TestWithinHalfSize };
}

public static class LocaliserTraining
{
    /// <summary>−log N(t; μ, σ²) per image without the constant: Σ_xy log σ + (t − μ)²/(2σ²).</summary>
    public static Tensor GaussianNll(Tensor q, Tensor targets)
    {
        using var _ = NewDisposeScope();
        var mu = q.narrow(1, 0, 2);
        var sigma = q.narrow(1, 2, 2);
        return (sigma.log() + (targets - mu).pow(2) / (2 * sigma.pow(2))).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>Trains with Adam at <c>s.LearningRate</c> and evaluates on <paramref name="test"/> after
    /// every epoch. Stops between batches when <paramref name="cancellation"/> is set.</summary>
    public static List<LocalisationEpoch> Train(Localiser model, LocalisationData train, LocalisationData test, int canvasSize, float objectHalfSize,
                                                TrainingSettings s, Device? device = null, Action<LocalisationEpoch>? progress = null,
                                                CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null)
    {
        s.Validate();
        device ??= CPU;
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), s.LearningRate);
        var loop = new LoopOptions(s.Epochs, s.BatchSize, s.Seed, Device: device, Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(model, train.Count, loop, batch =>
        {
            var q = model.call(batch.Select(train.Images).to(device), train.Inputs is null ? null : batch.Select(train.Inputs).to(device));
            var loss = GaussianNll(q, batch.Select(train.Targets).to(device)).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            batch.Record("loss", loss.item<float>());
        }, t =>
        {
            var (error, within) = Evaluate(model, test, canvasSize, objectHalfSize, device);
            return new LocalisationEpoch(t.Epoch, t.Mean("loss"), error, within, t.Elapsed);
        }, progress);
    }

    /// <summary>Mean distance in pixels between μ and the target centre, and the fraction of images
    /// where it is under the object's half size (the centre lands on the object).</summary>
    public static (double ErrorPixels, double WithinHalfSize) Evaluate(Localiser model, LocalisationData data, int canvasSize, float objectHalfSize,
                                                                      Device? device = null, int batchSize = 200)
    {
        device ??= CPU;
        double sum = 0;
        long within = 0;
        EvaluationBatches.Run(model, data.Count, batchSize, (start, n) =>
        {
            var inputs = data.Inputs?.narrow(0, start, n).to(device);
            var q = model.call(data.Images.narrow(0, start, n).to(device), inputs).cpu();
            var d = (q.narrow(1, 0, 2) - data.Targets.narrow(0, start, n)).mul(canvasSize / 2.0).pow(2).sum(1).sqrt();
            sum += d.sum().item<float>();
            within += d.lt(objectHalfSize).sum().item<long>();
        });
        return (sum / data.Count, (double)within / data.Count);
    }
}

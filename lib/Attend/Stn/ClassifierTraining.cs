// Maps a classifier and labelled images to a trained classifier and its learning curve:
// Adam on cross-entropy, shuffled minibatches, test error after every epoch. The shuffle is one
// stream for the whole run (Seeding.PerRun), as in the published STN and count-probe runs.
using Attend.Data;
using Attend.Training;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Stn;

public sealed record EpochResult(int Epoch, double TrainLoss, double TestError, TimeSpan Elapsed);

public static class ClassifierTraining
{
    /// <summary>Trains and measures the test error after every epoch. Stops between batches when
    /// <paramref name="cancellation"/> is set.</summary>
    public static List<EpochResult> Train(Module<Tensor, Tensor> model, ImageSet train, ImageSet test, TrainingSettings s,
                                          Device? device = null, Action<EpochResult>? progress = null,
                                          CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null)
    {
        s.Validate();
        device ??= CPU;
        model.to(device);
        using var optimizer = optim.Adam(model.parameters(), s.LearningRate);
        var loop = new LoopOptions(s.Epochs, s.BatchSize, s.Seed, Seeding: Seeding.PerRun, Device: device,
                                   Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(model, train.Count, loop, batch =>
        {
            var x = batch.Select(train.Images).to(device);
            var y = batch.Select(train.Labels).to(device);
            optimizer.zero_grad();
            var loss = functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
            batch.Record("loss", loss.item<float>());
        }, t => new EpochResult(t.Epoch, t.Mean("loss"), TestError(model, test, device), t.Elapsed), progress);
    }

    /// <summary>Fraction of <paramref name="test"/> misclassified (eval mode, no gradients).</summary>
    public static double TestError(Module<Tensor, Tensor> model, ImageSet test, Device? device = null, int batchSize = 500)
        => 1 - Nn.Evaluation.Accuracy(model, test, device, batchSize);
}

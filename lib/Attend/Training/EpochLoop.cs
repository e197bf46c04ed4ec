// Maps a model, a training-set size and a trainer's step to epochs of minibatch training: the
// seeded streams (TrainingSeeds), a fresh permutation each epoch, one dispose scope per batch,
// a cancellation check before every batch, time and resident memory per epoch, and the trainer's
// own end of epoch (evaluation, checkpoint, its record), then the progress callback, with a live
// progress bar throughout. Every
// trainer in the library goes through here, so each of these is written once.
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Training;

public static class EpochLoop
{
    /// <summary>Trains epochs <c>o.StartEpoch..o.Epochs</c> over <paramref name="count"/> samples.
    /// <paramref name="beginEpoch"/> runs after the model is put in training mode (learning-rate
    /// schedules, frozen parts); <paramref name="step"/> trains on one batch and records what it
    /// measured; <paramref name="endEpoch"/> evaluates, checkpoints and builds the epoch's record.
    /// Throws <see cref="OperationCanceledException"/> between batches once <c>o.Cancellation</c> or the
    /// running notebook cell (<see cref="CellCancellation"/>) is cancelled.</summary>
    public static List<TEpoch> Run<TEpoch>(nn.Module model, long count, LoopOptions o, Action<Batch> step,
                                           Func<EpochTotals, TEpoch> endEpoch, Action<TEpoch>? progress = null,
                                           Action<int>? beginEpoch = null)
    {
        o.Validate();
        if (count < 1) throw new ArgumentException($"the training set is empty ({count} samples)");
        var device = o.Device ?? CPU;
        long batches = (count + o.BatchSize - 1) / o.BatchSize;
        var history = new List<TEpoch>();
        var bar = o.ShowProgress ? new ProgressBar(o.StartEpoch) : null;
        string outcome = "stopped by an error";
        try
        {
            Epochs(model, count, o, step, endEpoch, progress, beginEpoch, device, batches, history, bar);
            outcome = "done";
        }
        catch (OperationCanceledException)
        {
            outcome = "interrupted";
            throw;
        }
        finally { bar?.Finish(outcome); }
        return history;
    }

    static void Epochs<TEpoch>(nn.Module model, long count, LoopOptions o, Action<Batch> step, Func<EpochTotals, TEpoch> endEpoch,
                               Action<TEpoch>? progress, Action<int>? beginEpoch, Device device, long batches, List<TEpoch> history,
                               ProgressBar? bar)
    {
        using var runStream = o.Seeding == Seeding.PerRun ? new Generator(TrainingSeeds.ForRun(o.Seed)) : null;
        for (int epoch = o.StartEpoch; epoch <= o.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.train();
            beginEpoch?.Invoke(epoch);
            using var epochStream = runStream is null ? new Generator(TrainingSeeds.ForEpoch(o.Seed, epoch)) : null;
            var shuffle = runStream ?? epochStream!;
            using var deviceStream = o.Noise == NoiseStream.Device ? new Generator(TrainingSeeds.ForEpoch(o.Seed, epoch), device) : null;
            var noise = deviceStream ?? shuffle;
            var totals = new EpochTotals(epoch, clock);
            using (var order = randperm(count, generator: shuffle))
                for (long start = 0, number = 1; start < count; start += o.BatchSize, number++)
                {
                    CellCancellation.ThrowIfCancelled(o.Cancellation);
                    using (NewDisposeScope())
                    {
                        var batch = new Batch(totals, order.narrow(0, start, Math.Min(o.BatchSize, count - start)), noise, device, epoch, number);
                        step(batch);
                        totals.AddSeen(batch.Size);
                    }
                    if (o.OnBatch != null || bar != null)
                    {
                        var batchProgress = new BatchProgress(epoch, o.Epochs, number, batches, clock.Elapsed, totals.RunningMeans());
                        o.OnBatch?.Invoke(batchProgress);
                        bar?.Report(batchProgress);
                    }
                }
            totals.EndTraining();
            var record = endEpoch(totals);
            history.Add(record);
            progress?.Invoke(record);
        }
    }
}

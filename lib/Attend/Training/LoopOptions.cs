// Maps what a trainer asks of the epoch loop (epochs, batch size, seed, where to start, how its
// random streams are drawn, the device, the cancellation token) to one settings record.
using static TorchSharp.torch;

namespace Attend.Training;

/// <summary>How the shuffle stream is seeded.</summary>
public enum Seeding
{
    /// <summary>A fresh generator each epoch, seeded by (seed, epoch): resumable from any epoch.</summary>
    PerEpoch,
    /// <summary>One generator for the whole run, seeded by the seed (the STN experiment's published runs).</summary>
    PerRun,
}

/// <summary>Where a step's sampling noise (augmentation, Gumbel noise, latents) comes from.</summary>
public enum NoiseStream
{
    /// <summary>The shuffle's own generator: the step draws after the epoch's permutation.</summary>
    Shuffle,
    /// <summary>A second generator with the same seed, on the training device (CUDA sampling needs
    /// a CUDA generator; the shuffle always runs on the CPU).</summary>
    Device,
}

/// <summary>Settings of one run of <see cref="EpochLoop"/>. <paramref name="StartEpoch"/> is 1, or one
/// past a resumed checkpoint's epoch. <paramref name="OnBatch"/> sees every finished batch;
/// <paramref name="ShowProgress"/> draws the live progress bar (<see cref="ProgressBar"/>).</summary>
public sealed record LoopOptions(int Epochs, int BatchSize, long Seed, int StartEpoch = 1,
                                 Seeding Seeding = Seeding.PerEpoch, NoiseStream Noise = NoiseStream.Shuffle,
                                 Device? Device = null, CancellationToken Cancellation = default,
                                 Action<BatchProgress>? OnBatch = null, bool ShowProgress = true)
{
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be ≥ 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be ≥ 1, got {BatchSize}");
        if (StartEpoch < 1) throw new ArgumentException($"start epoch must be ≥ 1, got {StartEpoch}");
        if (Seeding == Seeding.PerRun && StartEpoch != 1)
            throw new ArgumentException("a run seeded once (Seeding.PerRun) cannot resume mid-run");
    }
}

/// <summary>Where the loop stands after a batch: epoch, batch number (1-based) of how many, and the
/// running mean of each recorded quantity.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, long Batch, long Batches, TimeSpan Elapsed,
                                   IReadOnlyDictionary<string, double> RunningMeans);

// Maps the batches of one epoch to its totals: samples seen, recorded sums and counts, the time
// the training part took, and live readings of elapsed time and resident memory for the record
// a trainer builds after its evaluation and checkpoint.
using System.Diagnostics;

namespace Attend.Training;

public sealed class EpochTotals
{
    readonly Dictionary<string, double> sums = new();
    readonly Dictionary<string, long> counts = new();
    readonly Stopwatch clock;

    internal EpochTotals(int epoch, Stopwatch clock)
    {
        Epoch = epoch;
        this.clock = clock;
    }

    public int Epoch { get; }
    /// <summary>Samples trained on this epoch.</summary>
    public long Seen { get; private set; }
    /// <summary>Time from the epoch's start to its last batch (before evaluation).</summary>
    public TimeSpan TrainingTime { get; private set; }
    /// <summary>Time since the epoch started, read now (evaluation and checkpoint included).</summary>
    public TimeSpan Elapsed => clock.Elapsed;
    /// <summary>Samples per second of the training part.</summary>
    public double SamplesPerSecond => Seen / TrainingTime.TotalSeconds;

    /// <summary>The mean over samples of a quantity recorded with <see cref="Batch.Record(string, float)"/>.</summary>
    public double Mean(string name) => sums.TryGetValue(name, out var s)
        ? s / Seen
        : throw new KeyNotFoundException($"nothing was recorded as '{name}' this epoch");

    /// <summary>A count recorded with <see cref="Batch.Count"/> divided by the samples seen.</summary>
    public double Fraction(string name) => counts.TryGetValue(name, out var c)
        ? (double)c / Seen
        : throw new KeyNotFoundException($"nothing was counted as '{name}' this epoch");

    internal IReadOnlyDictionary<string, double> RunningMeans() => sums.ToDictionary(kv => kv.Key, kv => kv.Value / Seen);

    internal void Add(string name, double value) => sums[name] = sums.GetValueOrDefault(name) + value;

    internal void AddCount(string name, long value) => counts[name] = counts.GetValueOrDefault(name) + value;

    internal void AddSeen(long samples) => Seen += samples;

    internal void EndTraining() => TrainingTime = clock.Elapsed;
}

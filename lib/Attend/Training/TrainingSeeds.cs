// Maps a run's seed to the seeds of every random stream the library draws from, in one place:
// the per-epoch stream (shuffle, augmentation, sampling noise) and the fixed evaluation streams.
// Each epoch's stream depends only on (seed, epoch), so a run resumed after epoch k draws exactly
// what an uninterrupted run draws from epoch k + 1 on.
namespace Attend.Training;

public static class TrainingSeeds
{
    /// <summary>Spreads runs apart: seed s, epoch e and seed s + 1, epoch e − 1_000_003 never meet
    /// in practice (no run has a million epochs).</summary>
    public const long EpochStride = 1_000_003;

    /// <summary>Offset of AIR's held-out counting stream (sampling z_pres in evaluation).</summary>
    public const long AirCounting = 7_777;

    /// <summary>Offset of the NoP-Learner's evaluation stream (random queries, Gumbel noise).</summary>
    public const long NopEvaluation = 4_242;

    /// <summary>Offset of the NoP-Learner's pre-training phase (its epochs draw from the streams of seed + offset).</summary>
    public const long NopPretraining = 5_151;

    /// <summary>The seed of epoch <paramref name="epoch"/> (1-based) of a run seeded with <paramref name="seed"/>.</summary>
    public static ulong ForEpoch(long seed, int epoch) => (ulong)(seed * EpochStride + epoch);

    /// <summary>The seed of a whole run's single stream (trainers that draw one stream across epochs).</summary>
    public static ulong ForRun(long seed) => (ulong)seed;

    /// <summary>The seed of an evaluation stream: the run's seed plus the stream's offset.</summary>
    public static ulong ForEvaluation(long seed, long offset) => (ulong)seed + (ulong)offset;
}

// Maps a trained NoP-Learner's held-out evaluation to the targets notebook 06 is judged by (losses alive, σ₀ in
// range, names in use, glimpses on objects, names that say what and which), met or not, and a set of seeds to a
// table with one column per target and a last row counting the seeds that meet it.
namespace Attend.Nop;

public sealed record NopTarget(string Name, string Value, bool Met);

public static class NopTargets
{
    /// <summary>The targets for one evaluation; <paramref name="onObject"/> is the data set's hit-rate target
    /// (0.12 on 256² Multi-MNIST, 0.30 on 128² shapes).</summary>
    public static List<NopTarget> Check(NopEvaluation e, double onObject) => new()
    {
        new("L1, L2 in [1e-2, 10]", $"{e.MeanL1:E1}, {e.MeanL2:E1}", InRange(e.MeanL1, 1e-2, 10) && InRange(e.MeanL2, 1e-2, 10)),
        new("σ₀ in [0.08, 0.5]", $"{e.Sigma0:F2}", InRange(e.Sigma0, 0.08, 0.5)),
        new("≥ 8 names", $"{e.CategoriesUsed}", e.CategoriesUsed >= 8),
        new($"on object ≥ {onObject:P0}", $"{e.HitRate:P1}", e.HitRate >= onObject),
        new("NMI ≥ 0.1", $"{e.Nmi:F3}", e.Nmi >= 0.1),
        new("refind q₁ ≥ q₂ + 10", $"{e.RefindQ1:P0}/{e.RefindQ2:P0}", e.RefindQ1 >= e.RefindQ2 + 0.10),
    };

    static bool InRange(double v, double lo, double hi) => v >= lo && v <= hi;

    /// <summary>One row per seed (value, ✓ or ✗ per target), then how many seeds meet each target.</summary>
    public static string Table(IReadOnlyList<(long Seed, NopEvaluation Trained)> runs, double onObject)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to tabulate");
        var checks = runs.Select(r => (r.Seed, Targets: Check(r.Trained, onObject))).ToList();
        var names = checks[0].Targets.Select(t => t.Name).ToList();
        int width = Math.Max(22, names.Max(n => n.Length) + 1);
        var lines = new List<string> { $"{"seed",-6}" + string.Concat(names.Select(n => n.PadRight(width))) };
        foreach (var (seed, targets) in checks)
            lines.Add($"{seed,-6}" + string.Concat(targets.Select(t => $"{t.Value} {(t.Met ? "✓" : "✗")}".PadRight(width))));
        lines.Add($"{"met",-6}" + string.Concat(names.Select((_, i) => $"{checks.Count(c => c.Targets[i].Met)} of {checks.Count}".PadRight(width))));
        return string.Join('\n', lines);
    }
}

// Maps (category, label) pairs to how well unsupervised categories match the labels: purity
// (each category counted as its most common label) and normalised mutual information
// (2·I / (H(category) + H(label)), scikit-learn's default normalisation).
namespace Attend.Metrics;

public static class ClusterScores
{
    public static double Purity(IReadOnlyList<long> categories, IReadOnlyList<long> labels)
    {
        Check(categories, labels);
        if (categories.Count == 0) return double.NaN;
        long sum = categories.Zip(labels).GroupBy(p => p.First).Sum(g => g.GroupBy(p => p.Second).Max(h => (long)h.Count()));
        return (double)sum / categories.Count;
    }

    /// <summary>The purity of naming everything alike: the share of the most common label (NaN when empty).</summary>
    public static double MajorityShare(IReadOnlyList<long> labels)
        => labels.Count == 0 ? double.NaN : labels.GroupBy(l => l).Max(g => g.Count()) / (double)labels.Count;

    public static double NormalisedMutualInformation(IReadOnlyList<long> categories, IReadOnlyList<long> labels)
    {
        Check(categories, labels);
        int n = categories.Count;
        if (n == 0) return double.NaN;
        double Entropy(IEnumerable<long> xs) => -xs.GroupBy(x => x).Select(g => (double)g.Count() / n).Sum(p => p * Math.Log(p));
        double hc = Entropy(categories);
        double hl = Entropy(labels);
        double mi = categories.Zip(labels).GroupBy(p => p).Sum(g =>
        {
            double pxy = (double)g.Count() / n;
            double px = (double)categories.Count(c => c == g.Key.First) / n;
            double py = (double)labels.Count(l => l == g.Key.Second) / n;
            return pxy * Math.Log(pxy / (px * py));
        });
        // Both partitions trivial (one cluster each): identical, NMI 1 by convention.
        return hc + hl == 0 ? 1 : 2 * mi / (hc + hl);
    }

    static void Check(IReadOnlyList<long> c, IReadOnlyList<long> l)
    {
        if (c.Count != l.Count) throw new ArgumentException($"{c.Count} categories but {l.Count} labels");
    }
}

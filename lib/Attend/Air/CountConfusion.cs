// Maps true and inferred object counts to their confusion table: how many scenes with t objects
// AIR counted as k, the table as the notebook prints it, and the over- and under-counts.
using static TorchSharp.torch;

namespace Attend.Air;

public sealed class CountConfusion
{
    readonly long[,] matrix;

    /// <summary>Entry [t, k] counts the scenes with true count t inferred as k; true counts run to the
    /// largest in the data, inferred ones to <paramref name="maxInferred"/> (AIR's number of steps).
    /// Counts beyond the table are clamped into its last row or column.</summary>
    public CountConfusion(Tensor trueCounts, Tensor inferredCounts, int maxInferred)
    {
        var t = trueCounts.data<long>().ToArray();
        var i = inferredCounts.data<long>().ToArray();
        if (t.Length != i.Length) throw new ArgumentException($"{t.Length} true counts but {i.Length} inferred ones");
        if (maxInferred < 0) throw new ArgumentException($"the largest inferred count must be ≥ 0, got {maxInferred}");
        MaxTrue = (int)Math.Clamp(t.Length == 0 ? 0 : t.Max(), 0, maxInferred);
        MaxInferred = maxInferred;
        matrix = new long[maxInferred + 1, maxInferred + 1];
        for (int k = 0; k < t.Length; k++) matrix[Math.Clamp(t[k], 0, maxInferred), Math.Clamp(i[k], 0, maxInferred)]++;
    }

    public int MaxTrue { get; }
    public int MaxInferred { get; }

    /// <summary>Scenes with true count <paramref name="trueCount"/> inferred as <paramref name="inferred"/>.</summary>
    public long this[int trueCount, int inferred] => matrix[trueCount, inferred];

    /// <summary>Scenes counted higher than their true count.</summary>
    public long OverCounted => Cells().Where(c => c.Inferred > c.True).Sum(c => c.Scenes);

    /// <summary>Scenes counted lower than their true count.</summary>
    public long UnderCounted => Cells().Where(c => c.Inferred < c.True).Sum(c => c.Scenes);

    /// <summary>Scenes inferred as exactly <paramref name="inferred"/> objects, whatever their true count.</summary>
    public long InferredAs(int inferred) => Enumerable.Range(0, MaxTrue + 1).Sum(t => matrix[t, inferred]);

    /// <summary>The table: a header of inferred counts, then one row per true count 0..MaxTrue.</summary>
    public override string ToString()
    {
        var columns = Enumerable.Range(0, MaxInferred + 1);
        var lines = new List<string> { "true \\ inferred " + string.Join("", columns.Select(k => $"{k,8}")) };
        for (int t = 0; t <= MaxTrue; t++) lines.Add($"{t,15} " + string.Join("", columns.Select(k => $"{matrix[t, k],8}")));
        return string.Join("\n", lines);
    }

    IEnumerable<(int True, int Inferred, long Scenes)> Cells()
        => from t in Enumerable.Range(0, MaxTrue + 1) from k in Enumerable.Range(0, MaxInferred + 1) select (t, k, matrix[t, k]);
}

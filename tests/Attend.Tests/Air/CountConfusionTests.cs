using Attend.Air;

namespace Attend.Tests.Air;

public class CountConfusionTests
{
    [Fact]
    public void The_table_counts_pairs_and_the_errors_by_direction()
    {
        var truth = tensor(new long[] { 0, 1, 1, 2, 2, 2 });
        var inferred = tensor(new long[] { 0, 1, 2, 2, 1, 3 });
        var c = new CountConfusion(truth, inferred, maxInferred: 3);
        Assert.Equal(2, c.MaxTrue);
        Assert.Equal(1, c[1, 2]);
        Assert.Equal(2, c.OverCounted);    // 1 → 2 and 2 → 3
        Assert.Equal(1, c.UnderCounted);   // 2 → 1
        Assert.Equal(1, c.InferredAs(3));
        var lines = c.ToString().Split('\n');
        Assert.Equal(4, lines.Length);     // header and true counts 0, 1, 2
        Assert.Equal("true \\ inferred        0       1       2       3", lines[0]);
        Assert.Equal("              2        0       1       1       1", lines[3]);
        Assert.Throws<ArgumentException>(() => new CountConfusion(truth, tensor(new long[] { 0 }), 3));
    }
}

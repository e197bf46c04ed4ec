using Attend.Data;

namespace Attend.Tests.Data;

public class ImageSetTests
{
    [Fact]
    public void Random_subsets_repeat_with_the_seed_cover_classes_and_keep_pairs()
    {
        // Stored class by class, as the npm digits are: the first 30 are all class 0.
        var labels = arange(100).div(10, rounding_mode: RoundingMode.floor);
        var set = new ImageSet(labels.to_type(ScalarType.Float32).view(100, 1, 1, 1), labels, "ordered");
        var a = set.RandomSubset(30, 4);
        var b = set.RandomSubset(30, 4);
        Assert.Equal(30, a.Count);
        Assert.True(a.Labels.eq(b.Labels).all().item<bool>());
        Assert.True(a.Images.view(-1).to_type(ScalarType.Int64).eq(a.Labels).all().item<bool>(), "image and label stay paired");
        Assert.True(a.Labels.unique().Item1.shape[0] > 3, "a random subset is not just the first classes");
        Assert.EndsWith("(random 30)", a.Description);
        Assert.Same(set, set.RandomSubset(0, 4));
        Assert.Same(set, set.RandomSubset(100, 4));
    }
}

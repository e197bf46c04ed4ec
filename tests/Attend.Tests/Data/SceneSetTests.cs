// Scene sets' attribute statistics: how often an attribute alone tells an object apart within its scene (hand values).
using Attend.Data;

namespace Attend.Tests.Data;

public class SceneSetTests
{
    static SceneSet Hand()
    {
        // Scene 0: three objects, shapes (0, 0, 1), colours (2, 3, 4); scene 1: two objects, shapes (1, 2), colours (5, 5).
        var attributes = tensor(new long[]
        {
            0, 2, 0, 0, 3, 0, 1, 4, 0,
            1, 5, 0, 2, 5, 0, -1, -1, -1,
        }, new long[] { 2, 3, 3 });
        return new SceneSet(zeros(2, 3, 8, 8), tensor(new long[] { 3, 2 }), zeros(2, 3, 4), tensor(new long[] { 0, 0, 1, 1, 2, -1 }, 2, 3),
                            new[] { "a", "b", "c" }, attributes, new[] { "shape", "colour", "size" });
    }

    [Fact]
    public void Unique_in_scene_counts_the_objects_whose_value_no_neighbour_shares()
    {
        using var scenes = Hand();
        Assert.Equal(3.0 / 5, scenes.UniqueInScene("shape"), 12);    // the lone 1 of scene 0, both of scene 1
        Assert.Equal(3.0 / 5, scenes.UniqueInScene("colour"), 12);   // all of scene 0, none of scene 1
        Assert.Equal(0.0, scenes.UniqueInScene("size"), 12);
        var e = Assert.Throws<ArgumentException>(() => scenes.UniqueInScene("material"));
        Assert.Contains("'material'", e.Message);
        Assert.Contains("shape, colour, size", e.Message);
    }
}

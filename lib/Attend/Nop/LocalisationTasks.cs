// Maps labelled scenes to supervised localisation tasks for the sanity experiments: "where is
// the (only) object" for the positioner, and "where is the object of this colour" (one-hot
// colour as the attention unit's input) for the attention notebook, and every object's glimpse at
// its true box for the classifier notebook.
using Attend.Data;
using Attend.Spatial;
using static TorchSharp.torch;

namespace Attend.Nop;

public static class LocalisationTasks
{
    /// <summary>Centre of each scene's object <paramref name="objectIndex"/>[i] in normalised coordinates, [N, 2].</summary>
    public static Tensor Centres(IScenes scenes, Tensor objectIndex)
    {
        using var _ = NewDisposeScope();
        long n = scenes.Count;
        var boxes = scenes.Boxes[arange(n), objectIndex];                     // [N, 4]
        return BoxCentres(boxes, scenes.Images.shape[3]).MoveToOuterDisposeScope();
    }

    /// <summary>Centres of pixel boxes [M, 4] (x0, y0, x1, y1) on a canvas of <paramref name="canvas"/>
    /// pixels, in normalised coordinates [M, 2] (x, y ∈ [−1, 1]).</summary>
    public static Tensor BoxCentres(Tensor boxes, long canvas)
    {
        using var _ = NewDisposeScope();
        var centre = stack(new[] { (boxes[.., 0] + boxes[.., 2]) / 2, (boxes[.., 1] + boxes[.., 3]) / 2 }, 1);
        return (centre / canvas * 2 - 1).MoveToOuterDisposeScope();
    }

    /// <summary>A glimpse of every object in the scenes, cut at its true box (centre and half width
    /// as the NoP position q, so a square box gives a square window), and the objects' labels:
    /// the classifier notebook's data, [M, C, size, size] in scene order.</summary>
    public static (Tensor Glimpses, long[] Labels) ObjectGlimpses(IScenes scenes, int size = 16)
    {
        using var _ = NewDisposeScope();
        long canvas = scenes.Images.shape[3];
        var present = scenes.Labels.ge(0).nonzero();                 // [M, 2]: scene, slot
        var sceneIndex = present[.., 0];
        var slot = present[.., 1];
        var boxes = scenes.Boxes[sceneIndex, slot];
        var half = ((boxes[.., 2] - boxes[.., 0]) / canvas).unsqueeze(1).expand(-1, 2);
        var q = cat(new[] { BoxCentres(boxes, canvas), half }, 1);
        var glimpses = Glimpse.Crop(scenes.Images.index_select(0, sceneIndex), Affine.FromPosition(q), size, size, alignCorners: false);
        return (glimpses.MoveToOuterDisposeScope(), scenes.Labels[sceneIndex, slot].data<long>().ToArray());
    }

    /// <summary>Each scene's first object as the target, no input.</summary>
    public static LocalisationData FirstObject(IScenes scenes)
    {
        if (scenes.Counts.lt(1).any().item<bool>()) throw new ArgumentException("every scene needs at least one object");
        return new LocalisationData(scenes.Images, Centres(scenes, zeros(scenes.Count, dtype: ScalarType.Int64)), null);
    }

    /// <summary>A seeded random present object per scene; its colour, one-hot over the eight CLEVR
    /// colours, is the input. Colours must be distinct within a scene (generate with distinctColours).</summary>
    public static LocalisationData ByColour(SceneSet scenes, int seed)
    {
        var rng = new Random(seed);
        var counts = scenes.Counts.data<long>().ToArray();
        if (counts.Any(c => c < 1)) throw new ArgumentException("every scene needs at least one object");
        var pick = counts.Select(c => (long)rng.Next((int)c)).ToArray();
        var pickT = tensor(pick);
        var colours = ShapesScenes.ColourOf(scenes)[arange(scenes.Count), pickT];
        var oneHot = nn.functional.one_hot(colours, ShapesScenes.Colours.Length).to_type(ScalarType.Float32);
        return new LocalisationData(scenes.Images, Centres(scenes, pickT), oneHot);
    }
}

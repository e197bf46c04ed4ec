// Maps an image or a filter to its copies under a finite set of plane transforms that map the pixel grid
// onto itself (the CNN notes' transform invariance): the four rotations by multiples of 90° (the group
// C4), optionally with their mirror images (D4, eight transforms). They act on the last two dimensions.
using static TorchSharp.torch;

namespace Attend.Invariance;

public enum TransformGroup
{
    /// <summary>Rotations by 0°, 90°, 180° and 270°.</summary>
    Rotations,
    /// <summary>The four rotations and the four rotations of the left-right mirror image.</summary>
    RotationsAndFlips,
}

public static class PlaneTransforms
{
    public static int Count(TransformGroup group) => group == TransformGroup.Rotations ? 4 : 8;

    /// <summary>Transform <paramref name="index"/> of the group applied to the last two dimensions of
    /// <paramref name="x"/> (which must be square): index % 4 quarter turns anticlockwise, after a left-right
    /// flip for indices 4-7.</summary>
    public static Tensor Apply(Tensor x, TransformGroup group, int index)
    {
        if (index < 0 || index >= Count(group)) throw new ArgumentException($"transform {index} is not in {group} (0-{Count(group) - 1})");
        if (x.dim() < 2 || x.shape[^1] != x.shape[^2])
            throw new ArgumentException($"plane transforms need a square last two dimensions, got [{string.Join(", ", x.shape)}]");
        int d = (int)x.dim();
        using var flipped = index >= 4 ? x.flip(d - 1) : null;
        var source = flipped ?? x;
        return index % 4 == 0 ? source.clone() : source.rot90(index % 4, (d - 2, d - 1));
    }

    /// <summary>A readable name: "rotate 90°", "flip, rotate 180°".</summary>
    public static string Name(int index) => (index >= 4 ? "flip, " : "") + $"rotate {index % 4 * 90}°";
}

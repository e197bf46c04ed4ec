// Maps a window→image affine θ (or AIR's z_where) to the attention rectangle's corners
// in image pixel coordinates, for drawing boxes.
using static TorchSharp.torch;

namespace Attend.Spatial;

public static class AttentionRectangle
{
    // The window's corners in its own normalised coordinates, as a closed polygon (the
    // the AIR notes' target_rectangle): x row, y row.
    static readonly float[] CornerXs = { -1, -1, 1, 1, -1 };
    static readonly float[] CornerYs = { -1, 1, 1, -1, -1 };

    /// <summary>Corners [B, 2, 5] (row 0: x, row 1: y) of the window in pixel "edge"
    /// coordinates: pixel i spans [i, i+1], so 0 is the image's left/top edge. With
    /// align_corners=false the window's normalised ±1 are the edges of its outer pixels;
    /// with align_corners=true they are those pixels' centres.</summary>
    public static Tensor Corners(Tensor thetaWindowToImage, int imageH, int imageW, bool alignCorners)
    {
        Shapes.Require(thetaWindowToImage, "theta", -1, 2, 3);
        using var _ = NewDisposeScope();
        var pts = stack(new[] { tensor(CornerXs), tensor(CornerYs) }, 1)       // [5, 2]
                  .to(thetaWindowToImage.device).to_type(thetaWindowToImage.dtype)
                  .unsqueeze(0).expand(thetaWindowToImage.shape[0], 5, 2);
        var n = Affine.Apply(thetaWindowToImage, pts);                        // [B, 5, 2]
        var px = ToPixels(n[.., .., 0], imageW, alignCorners);
        var py = ToPixels(n[.., .., 1], imageH, alignCorners);
        return stack(new[] { px, py }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>AIR's get_attention_rectangle: corners for z_where on a canvas.</summary>
    public static Tensor FromZWhere(Tensor zWhere, int canvasSize, bool alignCorners = false)
    {
        using var _ = NewDisposeScope();
        return Corners(ZWhere.ToTheta(ZWhere.Invert(zWhere)), canvasSize, canvasSize, alignCorners).MoveToOuterDisposeScope();
    }

    /// <summary>Axis-aligned box [B, 4] (x0, y0, x1, y1) enclosing the corners.</summary>
    public static Tensor BoundingBox(Tensor corners)
    {
        Shapes.Require(corners, "corners", -1, 2, 5);
        var min = corners.amin(2);
        var max = corners.amax(2);
        return stack(new[] { min[.., 0], min[.., 1], max[.., 0], max[.., 1] }, 1);
    }

    /// <summary>Normalised coordinate → pixel edge coordinate along an axis of <paramref name="size"/> pixels.</summary>
    public static Tensor ToPixels(Tensor normalised, int size, bool alignCorners)
        => alignCorners ? (normalised + 1) * 0.5 * (size - 1) + 0.5 : (normalised + 1) * 0.5 * size;
}

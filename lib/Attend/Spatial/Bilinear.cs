// Maps an image and real-valued pixel positions to interpolated values, written out as
// the attention lecture's bilinear formula (the same sampling grid_sample performs).
using static TorchSharp.torch;

namespace Attend.Spatial;

public static class Bilinear
{
    /// <summary>
    /// Samples <paramref name="images"/> [B, C, H, W] at pixel positions x, y [B, P]
    /// (pixel i's centre is at i), returning [B, C, P]. With x₁ = ⌊x⌋, x₂ = x₁ + 1
    /// (and y likewise) and the four neighbours Q₁₁ = I(x₁, y₁), Q₂₁ = I(x₂, y₁),
    /// Q₁₂ = I(x₁, y₂), Q₂₂ = I(x₂, y₂):
    /// f(x, y) = (x₂−x)(y₂−y)Q₁₁ + (x−x₁)(y₂−y)Q₂₁ + (x₂−x)(y−y₁)Q₁₂ + (x−x₁)(y−y₁)Q₂₂
    /// (the denominator (x₂−x₁)(y₂−y₁) is 1). Neighbours outside the image count as 0.
    /// Differentiable in the image and in x, y.
    /// </summary>
    public static Tensor Sample(Tensor images, Tensor x, Tensor y)
    {
        Shapes.Require(images, "images", -1, -1, -1, -1);
        Shapes.Require(x, "x", images.shape[0], -1);
        Shapes.Require(y, "y", images.shape[0], x.shape[1]);
        using var _ = NewDisposeScope();
        long b = images.shape[0];
        long c = images.shape[1];
        long h = images.shape[2];
        long w = images.shape[3];
        var x1 = x.detach().floor();
        var y1 = y.detach().floor();
        var x2 = x1 + 1;
        var y2 = y1 + 1;
        var flat = images.reshape(b, c, h * w);
        Tensor Q(Tensor xi, Tensor yi)
        {
            var inside = (xi >= 0) & (xi <= w - 1) & (yi >= 0) & (yi <= h - 1);
            var idx = (yi.clamp(0, h - 1) * w + xi.clamp(0, w - 1)).to_type(ScalarType.Int64);
            var v = flat.gather(2, idx.unsqueeze(1).expand(b, c, idx.shape[1]));
            return v * inside.unsqueeze(1).to_type(images.dtype);
        }
        Tensor W(Tensor t) => t.unsqueeze(1);
        var result = W((x2 - x) * (y2 - y)) * Q(x1, y1) + W((x - x1) * (y2 - y)) * Q(x2, y1)
                   + W((x2 - x) * (y - y1)) * Q(x1, y2) + W((x - x1) * (y - y1)) * Q(x2, y2);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Normalised coordinate in [−1, 1] → pixel-centre coordinate, as grid_sample
    /// interprets it for an axis of <paramref name="size"/> pixels.</summary>
    public static Tensor ToPixelCentres(Tensor normalised, long size, bool alignCorners)
        => alignCorners ? (normalised + 1) * 0.5 * (size - 1) : ((normalised + 1) * size - 1) * 0.5;
}

// Maps a grid of n cells (pixels, feature-map cells) to their centres in normalised coordinates,
// (2i + 1)/n − 1, as grid_sample and affine_grid lay them out with align_corners = false.
using static TorchSharp.torch;

namespace Attend.Spatial;

public static class PixelCentres
{
    /// <summary>[n]: the centres of n cells along one axis, from −1 + 1/n to 1 − 1/n.</summary>
    public static Tensor Axis(long n, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (n < 1) throw new ArgumentException($"a grid needs at least one cell, got {n}");
        return (arange(n, dtype: dtype, device: device) * 2 + 1) / n - 1;
    }

    /// <summary>[h·w, 2]: every cell's centre (x, y), row by row (the order of a [h, w] map flattened).</summary>
    public static Tensor Grid(long h, long w, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        using var _ = NewDisposeScope();
        var xs = Axis(w, dtype, device).view(1, w).expand(h, w);
        var ys = Axis(h, dtype, device).view(h, 1).expand(h, w);
        return stack(new[] { xs, ys }, 2).reshape(h * w, 2).MoveToOuterDisposeScope();
    }
}

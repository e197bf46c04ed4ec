// Maps a projective transformation (a 3×3 homography H in homogeneous coordinates) to the sampling grid
// of a perspective spatial transformer: each output pixel's (x, y, 1) is multiplied by H and divided by
// its third coordinate. With H's last row (0, 0, 1) the division is by 1 and this is affine_grid's grid;
// H and λH give the same grid (homogeneous coordinates are defined up to scale).
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Spatial;

public static class Projective
{
    /// <summary>Points [B, P, 2] (x, y) mapped by homographies [B, 3, 3]: (x', y') = (h₁·p, h₂·p) / (h₃·p) with
    /// p = (x, y, 1). Throws where a point maps to infinity (h₃·p = 0).</summary>
    public static Tensor Apply(Tensor homography, Tensor points)
    {
        Shapes.Require(homography, "homography [B, 3, 3]", -1, 3, 3);
        Shapes.Require(points, "points [B, P, 2]", homography.shape[0], -1, 2);
        using var _ = NewDisposeScope();
        var p = cat(new[] { points, ones_like(points.narrow(2, 0, 1)) }, 2);   // [B, P, 3]
        var q = matmul(p, homography.transpose(1, 2));
        var w = q.narrow(2, 2, 1);
        if (w.abs().min().to_type(ScalarType.Float64).item<double>() < 1e-12)
            throw new ArgumentException("homography: a point maps to infinity (its third homogeneous coordinate is 0)");
        return (q.narrow(2, 0, 2) / w).MoveToOuterDisposeScope();
    }

    /// <summary>The sampling grid [B, H, W, 2] of a perspective transformer: the output pixel centres (normalised,
    /// align_corners = false) mapped by H (output → source coordinates, as affine_grid's θ).</summary>
    public static Tensor Grid(Tensor homography, long height, long width)
    {
        Shapes.Require(homography, "homography [B, 3, 3]", -1, 3, 3);
        using var _ = NewDisposeScope();
        long b = homography.shape[0];
        var centres = PixelCentres.Grid(height, width, homography.dtype, homography.device).unsqueeze(0).expand(b, -1, -1);
        return Apply(homography, centres).view(b, height, width, 2).MoveToOuterDisposeScope();
    }

    /// <summary>Images [B, C, H, W] resampled through H (bilinear, zeros outside): a perspective warp.</summary>
    public static Tensor Warp(Tensor images, Tensor homography)
    {
        Shapes.Require(images, "images [B, C, H, W]", -1, -1, -1, -1);
        using var _ = NewDisposeScope();
        var grid = Grid(homography.to_type(images.dtype), images.shape[2], images.shape[3]);
        return F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false)
                .MoveToOuterDisposeScope();
    }

    /// <summary>An affine θ [B, 2, 3] as a homography [B, 3, 3] (last row 0, 0, 1).</summary>
    public static Tensor FromAffine(Tensor theta)
    {
        Shapes.Require(theta, "theta [B, 2, 3]", -1, 2, 3);
        using var _ = NewDisposeScope();
        var last = tensor(new double[] { 0, 0, 1 }).to_type(theta.dtype).to(theta.device).view(1, 1, 3).expand(theta.shape[0], 1, 3);
        return cat(new[] { theta, last }, 1).MoveToOuterDisposeScope();
    }
}

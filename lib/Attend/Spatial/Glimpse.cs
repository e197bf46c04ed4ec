// Maps an image and a window→image affine θ to the glimpse (crop), and a glimpse
// back onto a canvas (paste), through affine_grid + grid_sample.
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Spatial;

public static class Glimpse
{
    /// <summary>Samples <paramref name="source"/> [B, C, H, W] on the grid θ·(output grid):
    /// output [B, C, outH, outW]; zeros outside the source.</summary>
    public static Tensor Sample(Tensor source, Tensor theta, int outH, int outW, bool alignCorners)
    {
        Shapes.Require(source, "source images", -1, -1, -1, -1);
        Shapes.Require(theta, "theta", source.shape[0], 2, 3);
        if (outH < 1 || outW < 1) throw new ArgumentException($"output size must be positive, got {outH}×{outW}");
        using var _ = NewDisposeScope();
        var grid = F.affine_grid(theta.to_type(source.dtype), new long[] { source.shape[0], source.shape[1], outH, outW }, alignCorners);
        return F.grid_sample(source, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, alignCorners)
                .MoveToOuterDisposeScope();
    }

    /// <summary>Crop: the window [B, C, h, w] whose normalised coordinates θ maps into the image.</summary>
    public static Tensor Crop(Tensor images, Tensor thetaWindowToImage, int windowH, int windowW, bool alignCorners)
        => Sample(images, thetaWindowToImage, windowH, windowW, alignCorners);

    /// <summary>Paste: windows [B, C, h, w] placed on an empty canvas [B, C, H, W] where
    /// <see cref="Crop"/> with the same θ would have cut them (sampling with θ⁻¹).</summary>
    public static Tensor Paste(Tensor windows, Tensor thetaWindowToImage, int canvasH, int canvasW, bool alignCorners)
    {
        using var _ = NewDisposeScope();
        return Sample(windows, Affine.Invert(thetaWindowToImage), canvasH, canvasW, alignCorners).MoveToOuterDisposeScope();
    }
}

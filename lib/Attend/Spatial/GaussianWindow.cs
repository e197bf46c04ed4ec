// Maps a Gaussian attention window (centre, stride, σ; the lecture's smooth window, DRAW's
// separable filterbank) to an N×N glimpse of an image, and a glimpse back to the image.
using static TorchSharp.torch;

namespace Attend.Spatial;

public static class GaussianWindow
{
    /// <summary>
    /// Filterbank [B, N, size]: row i is a Gaussian over pixel centres 0 … size−1 with mean
    /// μᵢ = centre + (i − (N − 1)/2)·stride and standard deviation σ, normalised to sum 1
    /// (an all-zero row stays zero). centre, stride, sigma: [B], in pixels.
    /// </summary>
    public static Tensor Filterbank(Tensor centre, Tensor stride, Tensor sigma, int n, long size)
    {
        Shapes.Require(centre, "centre", -1);
        Shapes.Require(stride, "stride", centre.shape[0]);
        Shapes.Require(sigma, "sigma", centre.shape[0]);
        if (n < 1 || size < 1) throw new ArgumentException($"filterbank needs N ≥ 1 and size ≥ 1, got N={n}, size={size}");
        using var _ = NewDisposeScope();
        var offsets = arange(n, dtype: centre.dtype, device: centre.device) - (n - 1) / 2.0;   // [N]
        var mu = centre.unsqueeze(1) + offsets.unsqueeze(0) * stride.unsqueeze(1);             // [B, N]
        var pixels = arange(size, dtype: centre.dtype, device: centre.device).view(1, 1, size);
        var f = exp(-(pixels - mu.unsqueeze(2)).pow(2) / (2 * sigma.pow(2).view(-1, 1, 1)));  // [B, N, size]
        return (f / f.sum(2, keepdim: true).clamp_min(1e-8)).MoveToOuterDisposeScope();
    }

    /// <summary>Glimpse [B, C, N, N] = F_Y · image · F_Xᵀ for every channel.</summary>
    public static Tensor Read(Tensor images, Tensor centreX, Tensor centreY, Tensor stride, Tensor sigma, int n)
    {
        Shapes.Require(images, "images", -1, -1, -1, -1);
        using var _ = NewDisposeScope();
        var fx = Filterbank(centreX, stride, sigma, n, images.shape[3]);
        var fy = Filterbank(centreY, stride, sigma, n, images.shape[2]);
        return einsum("bih,bchw,bjw->bcij", fy, images, fx).MoveToOuterDisposeScope();
    }

    /// <summary>Writes a glimpse [B, C, N, N] back to an image [B, C, H, W] = F_Yᵀ · glimpse · F_X.</summary>
    public static Tensor Write(Tensor glimpses, Tensor centreX, Tensor centreY, Tensor stride, Tensor sigma, long height, long width)
    {
        Shapes.Require(glimpses, "glimpses", -1, -1, -1, -1);
        int n = (int)glimpses.shape[2];
        using var _ = NewDisposeScope();
        var fx = Filterbank(centreX, stride, sigma, n, width);
        var fy = Filterbank(centreY, stride, sigma, n, height);
        return einsum("bih,bcij,bjw->bchw", fy, glimpses, fx).MoveToOuterDisposeScope();
    }
}

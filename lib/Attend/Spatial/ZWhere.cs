// Maps AIR's z_where = (s, x, y) to affine θ and back, and crops/pastes glimpses with it
// exactly as the AIR reimplementation does (image_to_window, window_to_image), through separable
// bilinear sampling (equal to its affine_grid + grid_sample, with a cheaper backward pass).
using static TorchSharp.torch;

namespace Attend.Spatial;

public static class ZWhere
{
    // Pyro's expansion of (0, s, x, y) into [[s, 0, x], [0, s, y]].
    static readonly long[] ExpansionIndices = { 1, 0, 2, 0, 1, 3 };

    /// <summary>z_where [B, 3] (s, x, y) → θ [B, 2, 3] = [[s, 0, x], [0, s, y]].</summary>
    public static Tensor ToTheta(Tensor zWhere)
    {
        Shapes.Require(zWhere, "z_where (s, x, y)", -1, 3);
        using var _ = NewDisposeScope();
        var padded = cat(new[] { zWhere.new_zeros(zWhere.shape[0], 1), zWhere }, 1);
        var ix = tensor(ExpansionIndices, device: zWhere.device);
        return index_select(padded, 1, ix).view(-1, 2, 3).MoveToOuterDisposeScope();
    }

    /// <summary>θ [B, 2, 3] of the form [[s, 0, x], [0, s, y]] → z_where [B, 3].</summary>
    public static Tensor FromTheta(Tensor theta)
    {
        Shapes.Require(theta, "theta", -1, 2, 3);
        return stack(new[] { theta[.., 0, 0], theta[.., 0, 2], theta[.., 1, 2] }, 1);
    }

    /// <summary>The inverse transform in z_where form: (1/s, −x/s, −y/s), with the AIR notes' 1e-9
    /// guard on s.</summary>
    public static Tensor Invert(Tensor zWhere)
    {
        Shapes.Require(zWhere, "z_where (s, x, y)", -1, 3);
        using var _ = NewDisposeScope();
        var scale = zWhere[.., 0..1] + 1e-9;
        return cat(new[] { 1 / scale, -zWhere[.., 1..3] / scale }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>AIR's image_to_window: the glimpse [B, C, size, size] that z_where attends to. Separable sampling
    /// by default; <paramref name="separable"/> false goes through affine_grid + grid_sample (the same function,
    /// kept so the benchmark can time the straightforward form beside the fast one).</summary>
    public static Tensor ImageToWindow(Tensor images, Tensor zWhere, int windowSize, bool alignCorners = false, bool separable = true)
        => ImageToWindow(images, zWhere, windowSize, separable ? WhereSampling.Separable : WhereSampling.GridSample, alignCorners);

    /// <summary>AIR's image_to_window through the given form of sampling (all three are the same function; Direct
    /// falls back to Separable for tensors it does not take, such as CUDA ones).</summary>
    public static Tensor ImageToWindow(Tensor images, Tensor zWhere, int windowSize, WhereSampling sampling, bool alignCorners = false)
    {
        Shapes.Require(zWhere, "z_where (s, x, y)", -1, 3);
        if (sampling == WhereSampling.Direct && DirectSampling.Handles(images, zWhere))
            return DirectSampling.Sample(images, zWhere, windowSize, windowSize, alignCorners, inverse: true);
        using var _ = NewDisposeScope();
        var inverse = Invert(zWhere);
        var window = sampling == WhereSampling.GridSample
            ? Glimpse.Sample(images, ToTheta(inverse), windowSize, windowSize, alignCorners)
            : SeparableSampling.Sample(images, inverse[.., 0], inverse[.., 0], inverse[.., 1], inverse[.., 2], windowSize, windowSize, alignCorners);
        return window.MoveToOuterDisposeScope();
    }

    /// <summary>AIR's window_to_image: a window pasted back on an empty canvas at z_where.</summary>
    public static Tensor WindowToImage(Tensor windows, Tensor zWhere, int canvasSize, bool alignCorners = false, bool separable = true)
        => WindowToImage(windows, zWhere, canvasSize, separable ? WhereSampling.Separable : WhereSampling.GridSample, alignCorners);

    /// <summary>AIR's window_to_image through the given form of sampling (as
    /// <see cref="ImageToWindow(Tensor, Tensor, int, WhereSampling, bool)"/>).</summary>
    public static Tensor WindowToImage(Tensor windows, Tensor zWhere, int canvasSize, WhereSampling sampling, bool alignCorners = false)
    {
        Shapes.Require(zWhere, "z_where (s, x, y)", -1, 3);
        if (sampling == WhereSampling.Direct && DirectSampling.Handles(windows, zWhere))
            return DirectSampling.Sample(windows, zWhere, canvasSize, canvasSize, alignCorners, inverse: false);
        using var _ = NewDisposeScope();
        var image = sampling == WhereSampling.GridSample
            ? Glimpse.Sample(windows, ToTheta(zWhere), canvasSize, canvasSize, alignCorners)
            : SeparableSampling.Sample(windows, zWhere[.., 0], zWhere[.., 0], zWhere[.., 1], zWhere[.., 2], canvasSize, canvasSize, alignCorners);
        return image.MoveToOuterDisposeScope();
    }
}

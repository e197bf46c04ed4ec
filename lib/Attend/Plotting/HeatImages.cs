// Maps per-pixel values [N, H, W] (saliency, attributions, attention weights) to RGB images
// [N, 3, H, W] through one of ScottPlot's colour maps, each image scaled to its own largest value, so
// that ImageGrid draws them beside the images they explain (or blended over them).
using static TorchSharp.torch;

namespace Attend.Plotting;

public static class HeatImages
{
    /// <summary>Non-negative values [N, H, W] → RGB [N, 3, H, W] in [0, 1]: 0 is the colour map's start, each
    /// image's maximum its end (an all-zero image stays at the start).</summary>
    public static Tensor Colour(Tensor values, ScottPlot.IColormap? colormap = null)
    {
        Shapes.Require(values, "values [N, H, W]", -1, -1, -1);
        colormap ??= new ScottPlot.Colormaps.Inferno();
        using var _ = NewDisposeScope();
        var v = values.detach().cpu().to_type(ScalarType.Float32);
        if (v.lt(0).any().item<bool>()) throw new ArgumentException("values: expected non-negative values (take abs() of signed maps)");
        var top = v.reshape(v.shape[0], -1).max(1).values.clamp_min(1e-12).view(-1, 1, 1);
        var index = (v / top * 255).round().clamp(0, 255).to_type(ScalarType.Int64);
        var table = tensor(Enumerable.Range(0, 256).SelectMany(i =>
        {
            var c = colormap.GetColor(i / 255.0);
            return new[] { c.R / 255f, c.G / 255f, c.B / 255f };
        }).ToArray(), new long[] { 256, 3 });
        return table.index_select(0, index.flatten()).view(v.shape[0], v.shape[1], v.shape[2], 3)
                    .permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The coloured values blended over grey images [N, 1, H, W]: (1 − α)·image + α·colour.</summary>
    public static Tensor Overlay(Tensor images, Tensor values, double alpha = 0.6, ScottPlot.IColormap? colormap = null)
    {
        Shapes.Require(images, "images [N, 1, H, W]", -1, 1, -1, -1);
        Shapes.Require(values, "values [N, H, W]", images.shape[0], images.shape[2], images.shape[3]);
        if (alpha is < 0 or > 1) throw new ArgumentException($"alpha must be in [0, 1], got {alpha}");
        using var _ = NewDisposeScope();
        var grey = images.detach().cpu().to_type(ScalarType.Float32).clamp(0, 1).expand(-1, 3, -1, -1);
        return ((1 - alpha) * grey + alpha * Colour(values, colormap)).MoveToOuterDisposeScope();
    }
}

// Maps a stack of convolution and pooling layers to the receptive field of its units (the input area a
// unit can see: r_l = r_{l−1} + (k_l − 1)·j_{l−1}, where the jump j_l = j_{l−1}·s_l is the input distance
// between neighbouring units of layer l), and a trained network to its effective receptive field: how
// strongly each input pixel moves a unit at the centre of its last feature maps, |∂unit/∂pixel| averaged
// over images. The effective field is usually far smaller than the theoretical one.
using static TorchSharp.torch;

namespace Attend.Backprop;

/// <summary>One layer of the stack: its name, kernel size and stride (a max-pool 2 is kernel 2, stride 2).</summary>
public sealed record FieldLayer(string Name, int Kernel, int Stride);

/// <summary>A layer's theoretical receptive field: its side in input pixels and its jump.</summary>
public sealed record FieldSize(string Layer, int Size, int Jump);

public static class ReceptiveField
{
    /// <summary>The receptive field after each layer, from the input (size 1, jump 1) on.</summary>
    public static List<FieldSize> Theoretical(IEnumerable<FieldLayer> layers)
    {
        var sizes = new List<FieldSize>();
        int size = 1;
        int jump = 1;
        foreach (var l in layers)
        {
            if (l.Kernel < 1 || l.Stride < 1)
                throw new ArgumentException($"layer {l.Name}: kernel and stride must be ≥ 1, got {l.Kernel}, {l.Stride}");
            size += (l.Kernel - 1) * jump;
            jump *= l.Stride;
            sizes.Add(new FieldSize(l.Name, size, jump));
        }
        return sizes;
    }

    /// <summary>The effective receptive field [H, W]: the mean over <paramref name="images"/> [B, C, H, W] of
    /// |∂(Σ over channels of the centre unit of features(x))/∂x|, summed over input channels, scaled to sum 1.
    /// <paramref name="features"/> maps images to feature maps [B, K, h, w]; the centre unit is (h/2, w/2).</summary>
    public static Tensor Effective(Func<Tensor, Tensor> features, Tensor images)
    {
        Shapes.Require(images, "images [B, C, H, W]", -1, -1, -1, -1);
        using var _ = NewDisposeScope();
        var x = images.detach().clone().requires_grad_();
        Tensor maps;
        using (enable_grad()) maps = features(x);
        Shapes.Require(maps, "feature maps [B, K, h, w]", images.shape[0], -1, -1, -1);
        var centre = maps[.., .., maps.shape[2] / 2, maps.shape[3] / 2].sum();
        var g = autograd.grad(new[] { centre }, new[] { x })[0].abs().sum(1).mean(new long[] { 0 });
        return (g / g.sum().clamp_min(1e-30)).detach().MoveToOuterDisposeScope();
    }

    /// <summary>The side of the smallest square around the map's centre cell (h/2, w/2) that holds at least
    /// <paramref name="share"/> of a field's mass [H, W] (odd sides 1, 3, …; capped at the map).</summary>
    public static int SquareHolding(Tensor field, double share)
    {
        Shapes.Require(field, "field [H, W]", -1, -1);
        if (share is <= 0 or > 1) throw new ArgumentException($"share must be in (0, 1], got {share}");
        using var values = field.to_type(ScalarType.Float64);
        long h = values.shape[0];
        long w = values.shape[1];
        double total = values.sum().item<double>();
        for (long r = 0; ; r++)
        {
            long top = Math.Max(0, h / 2 - r);
            long left = Math.Max(0, w / 2 - r);
            long bottom = Math.Min(h, h / 2 + r + 1);
            long right = Math.Min(w, w / 2 + r + 1);
            double inside = values.narrow(0, top, bottom - top).narrow(1, left, right - left).sum().item<double>();
            if (inside >= share * total - 1e-12 || (top == 0 && left == 0 && bottom == h && right == w)) return (int)(2 * r + 1);
        }
    }
}

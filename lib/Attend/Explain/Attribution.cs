// Maps a classifier's score and a batch of images to pixel attributions (the attention lecture's
// "explaining predictions"): the input gradient (Baehrens et al.'s saliency), integrated gradients
// (Sundararajan et al.: the path integral of the gradient from a baseline, whose attributions sum to
// f(x) − f(baseline)) and SmoothGrad (Smilkov et al.: the gradient averaged over noisy copies).
// The score maps images [B, …] to one number per image [B]; items must not interact (a model in
// evaluation mode), so one backward pass gives every image's gradient.
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Explain;

public static class Attribution
{
    /// <summary>∂score/∂x per image, the shape of <paramref name="images"/>.</summary>
    public static Tensor Gradient(Func<Tensor, Tensor> score, Tensor images)
    {
        using var _ = NewDisposeScope();
        var x = images.detach().clone().requires_grad_();
        Tensor s;
        using (enable_grad()) s = score(x);
        Shapes.Require(s, "the score (one number per image)", images.shape[0]);
        var g = autograd.grad(new[] { s.sum() }, new[] { x })[0];
        return g.detach().MoveToOuterDisposeScope();
    }

    /// <summary>Integrated gradients: (x − x′) ⊙ the mean gradient at x′ + α(x − x′) for α at the midpoints of
    /// <paramref name="steps"/> equal intervals of [0, 1] (the midpoint rule: exact where the gradient is linear
    /// along the path). <paramref name="baseline"/> defaults to a black image (zeros).</summary>
    public static Tensor IntegratedGradients(Func<Tensor, Tensor> score, Tensor images, Tensor? baseline = null, int steps = 32)
    {
        if (steps < 1) throw new ArgumentException($"integrated gradients need at least one step, got {steps}");
        if (baseline is not null && !baseline.shape.SequenceEqual(images.shape))
            throw new ArgumentException($"baseline: expected shape [{string.Join(", ", images.shape)}], got [{string.Join(", ", baseline.shape)}]");
        using var _ = NewDisposeScope();
        var start = baseline?.detach() ?? zeros_like(images);
        var path = images.detach() - start;
        var sum = zeros_like(images);
        for (int k = 0; k < steps; k++)
        {
            using var step = NewDisposeScope();
            double alpha = (k + 0.5) / steps;
            sum.add_(Gradient(score, start + alpha * path));
        }
        return (path * sum / steps).MoveToOuterDisposeScope();
    }

    /// <summary>SmoothGrad: the mean gradient over <paramref name="samples"/> copies of each image with Gaussian
    /// noise of standard deviation <paramref name="noiseLevel"/> × (that image's max − min), Smilkov et al.'s
    /// parametrisation (they suggest 10-20 %).</summary>
    public static Tensor SmoothGrad(Func<Tensor, Tensor> score, Tensor images, double noiseLevel, int samples, Generator generator)
    {
        if (samples < 1) throw new ArgumentException($"SmoothGrad needs at least one sample, got {samples}");
        if (noiseLevel < 0 || !double.IsFinite(noiseLevel)) throw new ArgumentException($"the noise level must be ≥ 0, got {noiseLevel}");
        using var _ = NewDisposeScope();
        var x = images.detach();
        var flat = x.reshape(x.shape[0], -1);
        var range = (flat.max(1).values - flat.min(1).values).view(new[] { x.shape[0] }.Concat(Enumerable.Repeat(1L, (int)x.dim() - 1)).ToArray());
        var sigma = noiseLevel * range;
        var sum = zeros_like(x);
        for (int k = 0; k < samples; k++)
        {
            using var step = NewDisposeScope();
            var noise = randn(x.shape, dtype: x.dtype, device: x.device, generator: generator);
            sum.add_(Gradient(score, x + sigma * noise));
        }
        GC.KeepAlive(generator);   // a caller's `new Generator(…)` must not be finalised during the native calls
        return (sum / samples).MoveToOuterDisposeScope();
    }

    /// <summary>Per-pixel relevance [B, H, W] from attributions [B, C, H, W]: the sum of |attribution| over channels.</summary>
    public static Tensor PixelRelevance(Tensor attributions)
    {
        Shapes.Require(attributions, "attributions [B, C, H, W]", -1, -1, -1, -1);
        return attributions.abs().sum(1);
    }
}

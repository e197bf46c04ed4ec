// Maps pixel relevances to the attention lecture's quantitative comparison of explanations: delete
// the most relevant pixels first (set them to a fill value), a growing fraction at a time, and follow
// the classifier's score. A good explanation makes the score fall fast: a small area under the curve.
using static TorchSharp.torch;

namespace Attend.Explain;

/// <summary>Fractions of pixels deleted [0, 1/n, …, 1] and the mean score over the images at each.</summary>
public sealed record DeletionResult(double[] Fractions, double[] MeanScores)
{
    /// <summary>Area under the curve (trapezoid rule over the fraction deleted).</summary>
    public double Area
    {
        get
        {
            double a = 0;
            for (int i = 1; i < Fractions.Length; i++) a += (Fractions[i] - Fractions[i - 1]) * (MeanScores[i] + MeanScores[i - 1]) / 2;
            return a;
        }
    }
}

public static class DeletionCurve
{
    /// <summary>Deletes pixels of <paramref name="images"/> [B, C, H, W] in the order of <paramref name="relevance"/>
    /// [B, H, W] (highest first; ties by pixel index), all channels of a pixel at once, in <paramref name="stepCount"/>
    /// equal steps, and evaluates <paramref name="score"/> (images → [B]) without gradients after each.</summary>
    public static DeletionResult Measure(Func<Tensor, Tensor> score, Tensor images, Tensor relevance, int stepCount = 20, double fill = 0)
    {
        Shapes.Require(images, "images [B, C, H, W]", -1, -1, -1, -1);
        long b = images.shape[0];
        long h = images.shape[2];
        long w = images.shape[3];
        Shapes.Require(relevance, "relevance [B, H, W]", b, h, w);
        if (stepCount < 1) throw new ArgumentException($"the deletion curve needs at least one step, got {stepCount}");
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        long pixels = h * w;
        // rank[b, p] = position of pixel p in the deletion order (0 = deleted first); a stable sort keeps ties in pixel order.
        var order = relevance.reshape(b, pixels).sort(1, descending: true, stable: true).Indices;
        var rank = zeros(new[] { b, pixels }, ScalarType.Int64, images.device)
            .scatter_(1, order, arange(pixels, ScalarType.Int64, images.device).expand(b, pixels));
        var fractions = new double[stepCount + 1];
        var scores = new double[stepCount + 1];
        for (int i = 0; i <= stepCount; i++)
        {
            using var step = NewDisposeScope();
            long deleted = (long)Math.Round((double)pixels * i / stepCount);
            var keep = rank.ge(deleted).view(b, 1, h, w).to_type(images.dtype);
            var perturbed = images * keep + fill * (1 - keep);
            var s = score(perturbed);
            Shapes.Require(s, "the score (one number per image)", b);
            fractions[i] = (double)deleted / pixels;
            scores[i] = s.to_type(ScalarType.Float64).mean().item<double>();
        }
        return new DeletionResult(fractions, scores);
    }
}

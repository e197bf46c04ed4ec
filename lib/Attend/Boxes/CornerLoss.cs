// Maps a classifier-localiser's outputs to the CNN notes' training loss for the exact location of an
// object: a weighted sum of two divergences over the two output layers, the classification's
// cross-entropy and the box's L2 loss (the squared distance between predicted and true corners).
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Boxes;

/// <summary>The loss and its two terms (scalars): Total = CrossEntropy + weight · CornerL2.</summary>
public sealed record CornerLossTerms(Tensor Total, Tensor CrossEntropy, Tensor CornerL2);

public static class CornerLoss
{
    /// <summary>logits [B, classes], labels [B]; corners and target corners [B, 4, 2] (normalised coordinates).
    /// CornerL2 is the mean over images of Σ over the 8 numbers of (predicted − true)².</summary>
    public static CornerLossTerms Compute(Tensor logits, Tensor labels, Tensor corners, Tensor targetCorners, double weight)
    {
        if (weight < 0 || !double.IsFinite(weight)) throw new ArgumentException($"the box loss weight must be ≥ 0, got {weight}");
        Shapes.Require(logits, "logits [B, classes]", -1, -1);
        Shapes.Require(labels, "labels [B]", logits.shape[0]);
        Shapes.Require(corners, "corners [B, 4, 2]", logits.shape[0], 4, 2);
        Shapes.Require(targetCorners, "target corners [B, 4, 2]", logits.shape[0], 4, 2);
        var ce = F.cross_entropy(logits, labels);
        var l2 = (corners - targetCorners).pow(2).sum(new long[] { 1, 2 }).mean();
        return new CornerLossTerms(ce + weight * l2, ce, l2);
    }
}

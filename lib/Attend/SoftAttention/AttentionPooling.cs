// Maps a feature map and attention weights over its cells to one feature vector: spatially adaptive
// pooling, the weighted average of the lecture's attention maps (Xu et al., Show, Attend and Tell), and
// measures where the attention went: the share of its mass that falls inside a box.
using Attend.Spatial;
using static TorchSharp.torch;

namespace Attend.SoftAttention;

public static class AttentionPooling
{
    /// <summary>Σ over cells of weights · features: features [B, C, h, w], weights [B, h, w] (each summing to 1)
    /// → [B, C].</summary>
    public static Tensor Pool(Tensor features, Tensor weights)
    {
        Shapes.Require(features, "features [B, C, h, w]", -1, -1, -1, -1);
        Shapes.Require(weights, "attention weights [B, h, w]", features.shape[0], features.shape[2], features.shape[3]);
        return einsum("bchw,bhw->bc", features, weights);
    }

    /// <summary>Scores [B, h, w] → weights [B, h, w]: a softmax over all cells of each map.</summary>
    public static Tensor Softmax(Tensor scores)
    {
        Shapes.Require(scores, "attention scores [B, h, w]", -1, -1, -1);
        return scores.reshape(scores.shape[0], -1).softmax(1).view(scores.shape);
    }

    /// <summary>The share of attention mass inside each image's box: points [B, P, 2] or [1, P, 2] (x, y in
    /// normalised coordinates of a <paramref name="canvas"/>-pixel square image), weights [B, T, P] (T attention
    /// steps, each summing to 1 over its points), boxes [B, 4] (x0, y0, x1, y1 in pixel edge coordinates)
    /// → [B, T]. A point exactly on the box's edge counts as inside.</summary>
    public static Tensor MassInBoxes(Tensor points, Tensor weights, Tensor boxes, int canvas)
    {
        Shapes.Require(weights, "attention weights [B, T, P]", -1, -1, -1);
        long b = weights.shape[0];
        Shapes.Require(points, "attention points [B or 1, P, 2]", -1, weights.shape[2], 2);
        if (points.shape[0] != 1 && points.shape[0] != b)
            throw new ArgumentException($"attention points: expected a batch of 1 or {b}, got {points.shape[0]}");
        Shapes.Require(boxes, "boxes [B, 4]", b, 4);
        using var _ = NewDisposeScope();
        var pixels = AttentionRectangle.ToPixels(points.to_type(ScalarType.Float64), canvas, alignCorners: false);
        var box = boxes.to_type(ScalarType.Float64).to(points.device).unsqueeze(1);
        var inside = pixels[.., .., 0].ge(box[.., .., 0]).logical_and(pixels[.., .., 0].le(box[.., .., 2]))
            .logical_and(pixels[.., .., 1].ge(box[.., .., 1])).logical_and(pixels[.., .., 1].le(box[.., .., 3]));
        return (weights.to_type(ScalarType.Float64) * inside.unsqueeze(1).to_type(ScalarType.Float64)).sum(2).MoveToOuterDisposeScope();
    }
}

// Maps one forward pass of a soft-attention classifier to what the experiments read: the class logits,
// and where the attention went as weights over points of the image (for every attention step).
using Attend.Nn;
using static TorchSharp.torch;

namespace Attend.SoftAttention;

/// <summary>Logits [B, classes]; Points [B or 1, P, 2], the attended places (x, y) in the image's normalised
/// coordinates (feature-map cell centres, or a glimpse's sampling points); Weights [B, T, P], each of the T
/// attention steps' weights over those points (summing to 1).</summary>
public sealed class AttentionReadout : OutputBundle
{
    public required Tensor Logits { get; init; }
    public required Tensor Points { get; init; }
    public required Tensor Weights { get; init; }

    /// <summary>Built inside a forward pass's dispose scope: each tensor moves to the caller's scope.</summary>
    public static AttentionReadout Leaving(Tensor logits, Tensor points, Tensor weights) => new()
    {
        Logits = logits.MoveToOuterDisposeScope(),
        Points = points.MoveToOuterDisposeScope(),
        Weights = weights.MoveToOuterDisposeScope(),
    };
}

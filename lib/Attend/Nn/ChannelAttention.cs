// Maps features [B, C, H, W] and per-channel attention weights [B, C] to the weighted
// features (the NoP attention unit's output: einsum "bcwh,bc->bcwh").
using static TorchSharp.torch;

namespace Attend.Nn;

public static class ChannelAttention
{
    public static Tensor Apply(Tensor features, Tensor weights)
    {
        Shapes.Require(features, "features", -1, -1, -1, -1);
        Shapes.Require(weights, "channel weights", features.shape[0], features.shape[1]);
        // The NoP design notes write einsum("bcwh,bc->bcwh"); a broadcast product computes the same thing.
        return features * weights.view(weights.shape[0], weights.shape[1], 1, 1);
    }
}

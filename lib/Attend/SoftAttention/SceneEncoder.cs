// Maps a scene [B, 1, S, S] to a feature map [B, 32, S/4, S/4]: the small CNN every soft-attention
// classifier shares (its cells are what an attention map weights). Channel counts are multiples of 16,
// which this libtorch's convolutions need (CONTRIBUTING.md).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.SoftAttention;

public sealed class SceneEncoder : Module<Tensor, Tensor>
{
    /// <summary>Feature channels of the output.</summary>
    public const int Channels = 32;

    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Conv2d conv3;

    /// <summary>conv 5×5 stride 2 (1→16) · ReLU · conv 3×3 stride 2 (16→32) · ReLU · conv 3×3 (32→32) · ReLU.</summary>
    public SceneEncoder() : base(nameof(SceneEncoder))
    {
        conv1 = Conv2d(1, 16, 5, stride: 2, padding: 2);
        conv2 = Conv2d(16, Channels, 3, stride: 2, padding: 1);
        conv3 = Conv2d(Channels, Channels, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>The side of the feature map for a canvas of <paramref name="canvas"/> pixels.</summary>
    public static long FeatureSide(long canvas) => (canvas + 3) / 4;

    public override Tensor forward(Tensor scenes)
    {
        Shapes.Require(scenes, "scenes [B, 1, S, S]", -1, 1, -1, -1);
        using var _ = NewDisposeScope();
        var x = F.relu(conv1.call(scenes));
        x = F.relu(conv2.call(x));
        return F.relu(conv3.call(x)).MoveToOuterDisposeScope();
    }
}

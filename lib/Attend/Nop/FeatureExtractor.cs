// Maps an image to the NoP-Learner's 16×16×16 feature tensor (CNN₀, preprocessor part 1): the
// features every localiser weights with its attention unit.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

/// <summary>CNN₀: conv 5×5 (in→16) · ReLU · [max-pool canvas/64] · conv 3×3 · ReLU · max-pool 2 ·
/// conv 3×3 · ReLU · max-pool 2 → [B, 16, 16, 16].</summary>
public sealed class FeatureExtractor : Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Conv2d conv3;
    readonly int extraPool;
    readonly int canvas;
    readonly int inChannels;

    public FeatureExtractor(NopConfig c) : base("Cnn0")
    {
        c.Validate();
        canvas = c.CanvasSize; extraPool = c.ExtraPool; inChannels = c.InChannels;
        conv1 = Conv2d(c.InChannels, c.Channels, 5, padding: 2);
        conv2 = Conv2d(c.Channels, c.Channels, 3, padding: 1);
        conv3 = Conv2d(c.Channels, c.Channels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)
    {
        Shapes.Require(images, "images", -1, inChannels, canvas, canvas);
        using var _ = NewDisposeScope();
        var x = F.relu(conv1.call(images));
        if (extraPool > 1) x = F.max_pool2d(x, extraPool);
        x = F.max_pool2d(F.relu(conv2.call(x)), 2);
        x = F.max_pool2d(F.relu(conv3.call(x)), 2);
        return x.MoveToOuterDisposeScope();
    }
}

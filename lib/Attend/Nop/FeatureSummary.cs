// Maps the 16×16×16 feature tensor to the preprocessor's vector (CNN₁, preprocessor part 2): the
// summary the attention units read to choose their channel weights.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

/// <summary>CNN₁: conv 3×3 · ReLU · max-pool · conv 3×3 · ReLU · max-pool · conv 3×3 · ReLU · view 256 ·
/// fc 256→64 · ReLU · fc 64→VectorDim (the NoP design notes' forward, at 16 channels).</summary>
public sealed class FeatureSummary : Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Conv2d conv3;
    readonly Linear fc1;
    readonly Linear fc2;

    public FeatureSummary(NopConfig c) : base("Cnn1")
    {
        conv1 = Conv2d(c.Channels, 16, 3, padding: 1);
        conv2 = Conv2d(16, 16, 3, padding: 1);
        conv3 = Conv2d(16, 16, 3, padding: 1);
        fc1 = Linear(256, 64);
        fc2 = Linear(64, c.VectorDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        Shapes.Require(features, "features", -1, -1, NopConfig.FeatureSize, NopConfig.FeatureSize);
        using var _ = NewDisposeScope();
        var x = F.max_pool2d(F.relu(conv1.call(features)), 2);
        x = F.max_pool2d(F.relu(conv2.call(x)), 2);
        x = F.relu(conv3.call(x)).view(-1, 256);
        return fc2.call(F.relu(fc1.call(x))).MoveToOuterDisposeScope();
    }
}

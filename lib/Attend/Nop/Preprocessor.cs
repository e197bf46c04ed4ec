// Maps an image to the NoP-Learner's shared representation: CNN₀ (preprocessor part 1) gives the
// 16×16×16 feature tensor every localiser weights, CNN₁ (part 2) a vector summarising it.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

/// <summary>CNN₀: conv 5×5 (in→16) · ReLU · [max-pool canvas/64] · conv 3×3 · ReLU · max-pool 2 ·
/// conv 3×3 · ReLU · max-pool 2 → [B, 16, 16, 16].</summary>
public sealed class FeatureExtractor : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2, conv3;
    readonly int extraPool, canvas, inChannels;

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

/// <summary>CNN₁: conv 3×3 · ReLU · max-pool · conv 3×3 · ReLU · max-pool · conv 3×3 · ReLU · view 256 ·
/// fc 256→64 · ReLU · fc 64→VectorDim (the seed's forward, at 16 channels).</summary>
public sealed class FeatureSummary : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2, conv3;
    readonly Linear fc1, fc2;

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

/// <summary>Both parts: image → (features [B, 16, 16, 16], vector [B, VectorDim]).</summary>
public sealed class Preprocessor : Module
{
    public readonly FeatureExtractor part1;
    public readonly FeatureSummary part2;

    public Preprocessor(NopConfig c) : base(nameof(Preprocessor))
    {
        part1 = new FeatureExtractor(c);
        part2 = new FeatureSummary(c);
        RegisterComponents();
    }

    public (Tensor Features, Tensor Vector) Forward(Tensor images)
    {
        using var _ = NewDisposeScope();
        var f = part1.call(images);
        var v = part2.call(f);
        return (f.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }
}

// Maps (weighted) features to a position q = (μx, μy, σx, σy) in normalised image coordinates:
// CNN₂ over the features with CoordConv's x, y channels appended, then MLP₃, as in the seed.
using Attend.Spatial;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

public sealed class Positioner : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2, conv3, conv4, conv5;
    readonly Linear fc1, fc2;
    readonly bool coordConv;
    readonly double sigmaMin;

    /// <summary>conv 3×3 (18→16) · ReLU · conv · max-pool · ReLU · conv · ReLU · conv · max-pool · conv ·
    /// view 256 · fc 256→32 · ReLU · fc 32→4; μ = tanh, σ = σ_min + (1 − σ_min)·sigmoid.</summary>
    public Positioner(NopConfig c) : base(nameof(Positioner))
    {
        coordConv = c.CoordConv; sigmaMin = c.SigmaMin;
        conv1 = Conv2d(c.Channels + (c.CoordConv ? 2 : 0), 16, 3, padding: 1);
        conv2 = Conv2d(16, 16, 3, padding: 1);
        conv3 = Conv2d(16, 16, 3, padding: 1);
        conv4 = Conv2d(16, 16, 3, padding: 1);
        conv5 = Conv2d(16, 16, 3, padding: 1);
        fc1 = Linear(256, 32);
        fc2 = Linear(32, 4);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        Shapes.Require(features, "features", -1, -1, NopConfig.FeatureSize, NopConfig.FeatureSize);
        using var _ = NewDisposeScope();
        var x = coordConv ? CoordConv.Append(features) : features;
        x = F.relu(conv1.call(x));
        x = F.relu(F.max_pool2d(conv2.call(x), 2));
        x = F.relu(conv3.call(x));
        x = F.max_pool2d(conv4.call(x), 2);
        x = conv5.call(x).view(-1, 256);
        var o = fc2.call(F.relu(fc1.call(x)));
        var mu = o.narrow(1, 0, 2).tanh();
        var sigma = sigmaMin + (1 - sigmaMin) * o.narrow(1, 2, 2).sigmoid();
        return cat(new[] { mu, sigma }, 1).MoveToOuterDisposeScope();
    }
}

// Maps (weighted) features to a position q = (μx, μy, σx, σy) in normalised image coordinates:
// CNN₂ over the features with CoordConv's x, y channels appended, then MLP₃, as in the NoP design notes.
using Attend.Spatial;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

public sealed class Positioner : Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Conv2d conv3;
    readonly Conv2d conv4;
    readonly Conv2d conv5;
    readonly Linear fc1;
    readonly Linear fc2;
    readonly Conv2d? score;
    readonly bool coordConv;
    readonly double sigmaMin;

    /// <summary>conv 3×3 (18→16) · ReLU · conv · max-pool · ReLU · conv · ReLU · conv · max-pool · conv ·
    /// view 256 · fc 256→32 · ReLU · fc 32→4; μ = tanh, σ = σ_min + (1 − σ_min)·sigmoid. With the
    /// soft-argmax head, μ is instead the expected cell centre under a softmax of a 1×1 convolution's
    /// scores on conv1's 16×16 output (fc's μ outputs then go unused).</summary>
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
        // Soft-argmax head: a 1×1 convolution scores each of the 16×16 cells after conv1.
        if (c.PositionHead == PositionHead.SoftArgmax) score = Conv2d(16, 1, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features)
    {
        Shapes.Require(features, "features", -1, -1, NopConfig.FeatureSize, NopConfig.FeatureSize);
        using var _ = NewDisposeScope();
        var x = F.relu(coordConv ? FirstConvolutionWithCoordinates(features) : conv1.call(features));
        var cells = score is null ? null : SoftArgmax(score.call(x));
        x = F.relu(F.max_pool2d(conv2.call(x), 2));
        x = F.relu(conv3.call(x));
        x = F.max_pool2d(conv4.call(x), 2);
        x = conv5.call(x).view(-1, 256);
        var o = fc2.call(F.relu(fc1.call(x)));
        var mu = cells ?? o.narrow(1, 0, 2).tanh();
        var sigma = sigmaMin + (1 - sigmaMin) * o.narrow(1, 2, 2).sigmoid();
        return cat(new[] { mu, sigma }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Scores [B, 1, H, W] → the expected cell centre (x, y) [B, 2] under softmax(scores), in normalised
    /// coordinates (cell centres at (2i + 1)/W − 1, as align_corners = false lays pixels out).</summary>
    public static Tensor SoftArgmax(Tensor scores)
    {
        using var _ = NewDisposeScope();
        long b = scores.shape[0];
        long h = scores.shape[2];
        long w = scores.shape[3];
        var p = scores.reshape(b, h * w).softmax(1).view(b, h, w);
        var xs = PixelCentres.Axis(w, scores.dtype, scores.device);
        var ys = PixelCentres.Axis(h, scores.dtype, scores.device);
        var x = (p.sum(1) * xs).sum(1, keepdim: true);
        var y = (p.sum(2) * ys).sum(1, keepdim: true);
        return cat(new[] { x, y }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>conv1 on [features, x, y] (18 channels), computed as conv1's first 16 input channels
    /// on the features plus its last two on the coordinate channels. The sum is the same
    /// convolution with the same weights. It is split because this libtorch's CPU convolution
    /// now and then returned garbage (NaN, in a few percent of calls) for 17, 18 and 24 input
    /// channels on this machine, while 1, 2, 3, 8, 10, 16, 20 and 32 never did in the same trials.
    /// The coordinate term is the same for every image, so it is computed once and broadcast.</summary>
    public Tensor FirstConvolutionWithCoordinates(Tensor features)
    {
        using var _ = NewDisposeScope();
        long c = features.shape[1];
        var w = conv1.weight!;
        var fromFeatures = F.conv2d(features, w.narrow(1, 0, c), conv1.bias, padding: new long[] { 1, 1 });
        var coords = CoordConv.Channels(1, features.shape[2], features.shape[3], features.device, features.dtype);
        var fromCoords = F.conv2d(coords, w.narrow(1, c, 2), padding: new long[] { 1, 1 });
        return (fromFeatures + fromCoords).MoveToOuterDisposeScope();
    }
}

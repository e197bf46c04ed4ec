// Maps a digit [B, 1, 28, 28] to class logits with one architecture in two forms: plain convolutions, or
// transform-invariant ones (the same parameters, each filter applied under every transform of a group).
// Global max pooling at the end turns the invariant layers' equivariance into invariance: the invariant
// network gives the same logits for a digit and its rotations by multiples of 90° (and mirror images with
// the flip group), and so cannot tell a 6 from a 9.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Invariance;

public sealed class RotationDigitNet : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> conv1;
    readonly Module<Tensor, Tensor> conv2;
    readonly Module<Tensor, Tensor> conv3;
    readonly Linear classifier;

    /// <summary>conv 5×5 (1→16) · ReLU · max-pool 2 · conv 5×5 (16→32) · ReLU · max-pool 2 · conv 3×3 (32→32) · ReLU ·
    /// global max pool · fc 32 → 10; convolutions invariant under <paramref name="group"/> when one is given.</summary>
    public RotationDigitNet(TransformGroup? group, int classes = 10) : base(nameof(RotationDigitNet))
    {
        conv1 = Convolution(1, 16, 5, group);
        conv2 = Convolution(16, 32, 5, group);
        conv3 = Convolution(32, 32, 3, group);
        classifier = Linear(32, classes);
        RegisterComponents();
    }

    /// <summary>The first layer's filters [16, 1, 5, 5] (shared filters for the invariant form).</summary>
    public Tensor FirstFilters => conv1 is TransformInvariantConv2d t ? t.Filters : ((Conv2d)conv1).weight!;

    /// <summary>The first layer (for figures of its transformed filters).</summary>
    public Module<Tensor, Tensor> FirstLayer => conv1;

    /// <summary>The last convolution's maps [B, 32, 7, 7] (before global pooling), for receptive fields.</summary>
    public Tensor Features(Tensor digits)
    {
        Shapes.Require(digits, "digits [B, 1, 28, 28]", -1, 1, 28, 28);
        using var _ = NewDisposeScope();
        var x = F.max_pool2d(F.relu(conv1.call(digits)), 2);
        x = F.max_pool2d(F.relu(conv2.call(x)), 2);
        return F.relu(conv3.call(x)).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor digits)
    {
        using var _ = NewDisposeScope();
        var pooled = Features(digits).amax(new long[] { 2, 3 });
        return classifier.call(pooled).MoveToOuterDisposeScope();
    }

    static Module<Tensor, Tensor> Convolution(long inChannels, long outChannels, long kernel, TransformGroup? group)
        => group is { } g
            ? new TransformInvariantConv2d(inChannels, outChannels, kernel, g)
            : Conv2d(inChannels, outChannels, kernel, padding: kernel / 2);
}

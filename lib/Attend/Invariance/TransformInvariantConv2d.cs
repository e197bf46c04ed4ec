// Maps feature maps [B, in, H, W] to [B, out, H, W] with filters that respond the same whatever the
// transform: each filter is applied under every transform of a group (its rotated, and optionally
// mirrored, copies), and the largest response at each position is kept (the CNN notes' transform
// invariance). Backprop flows through the maximum and the transforms to the one shared filter. With odd
// filters and "same" padding the layer is equivariant: transforming the input transforms the output.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Invariance;

public sealed class TransformInvariantConv2d : Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter bias;
    readonly TransformGroup group;
    readonly long padding;

    /// <summary>Filters [out, in, k, k] and biases [out], initialised as Conv2d(in, out, k) initialises its own
    /// (so a plain network built after the same seed starts from the same filters). k must be odd.</summary>
    public TransformInvariantConv2d(long inChannels, long outChannels, long kernel, TransformGroup group)
        : base(nameof(TransformInvariantConv2d))
    {
        if (kernel % 2 == 0) throw new ArgumentException($"the filter size must be odd (rotations about its centre), got {kernel}");
        this.group = group;
        padding = kernel / 2;
        using var init = Conv2d(inChannels, outChannels, kernel);
        weight = new Parameter(init.weight!.detach().clone());
        bias = new Parameter(init.bias!.detach().clone());
        RegisterComponents();
    }

    public TransformGroup Group => group;

    /// <summary>The shared filters [out, in, k, k].</summary>
    public Tensor Filters => weight;

    /// <summary>Every transformed copy of the filters: [transforms, out, in, k, k].</summary>
    public Tensor TransformedFilters()
        => stack(Enumerable.Range(0, PlaneTransforms.Count(group)).Select(i => PlaneTransforms.Apply(weight, group, i)).ToArray());

    public override Tensor forward(Tensor input)
    {
        Shapes.Require(input, "feature maps [B, in, H, W]", -1, weight.shape[1], -1, -1);
        using var _ = NewDisposeScope();
        long g = PlaneTransforms.Count(group);
        long o = weight.shape[0];
        var bank = TransformedFilters().view(g * o, weight.shape[1], weight.shape[2], weight.shape[3]);
        var responses = F.conv2d(input, bank, padding: new[] { padding, padding });
        var strongest = responses.view(input.shape[0], g, o, responses.shape[2], responses.shape[3]).max(1).values;
        return (strongest + bias.view(1, o, 1, 1)).MoveToOuterDisposeScope();
    }
}

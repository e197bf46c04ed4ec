// Maps the preprocessor's vector (and the localiser's input, if it has one) to one weight per
// feature channel, and multiplies them into the features: the only part in which the three
// localisers differ. The localiser with no input has no MLP₁.
using Attend.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

public sealed class AttentionUnit : Module<Tensor, Tensor, Tensor?, (Tensor Features, Tensor Weights)>
{
    readonly Sequential? mlp1;
    readonly Sequential mlp2;
    readonly Conv2d? spread;
    readonly int inputDim;

    public bool HasMlp1 => mlp1 is not null;

    /// <summary>An attention unit for a localiser whose input has <paramref name="inputDim"/> numbers (0: none, so no MLP₁).</summary>
    public AttentionUnit(NopConfig c, int inputDim, string name) : base(name)
    {
        if (inputDim < 0) throw new ArgumentException($"input size must be ≥ 0, got {inputDim}");
        this.inputDim = inputDim;
        if (inputDim > 0) mlp1 = Sequential(Linear(inputDim, c.AttentionHidden), ReLU());
        mlp2 = Sequential(Linear(c.VectorDim + (inputDim > 0 ? c.AttentionHidden : 0), c.AttentionHidden), ReLU(),
                          Linear(c.AttentionHidden, c.Channels));
        if (c.ReceptiveField == 3)
        {
            // Receptive field 3: each weighted channel is then spread over its 3×3 neighbourhood
            // (depthwise, so channels stay separate), starting as the identity.
            spread = Conv2d(c.Channels, c.Channels, 3, padding: 1, groups: c.Channels, bias: false);
            using (no_grad()) { spread.weight!.zero_(); spread.weight[.., .., 1, 1] = 1f; }
        }
        RegisterComponents();
    }

    /// <summary>Channel weights [B, C] in (0, 2): 2·sigmoid, so a zero pre-activation leaves a channel as it is.</summary>
    public Tensor Weights(Tensor vector, Tensor? input)
    {
        using var _ = NewDisposeScope();
        Tensor h = vector;
        if (mlp1 is not null)
        {
            if (input is null) throw new ArgumentException($"{GetName()} takes an input of size {inputDim}");
            Shapes.Require(input, $"{GetName()} input", vector.shape[0], inputDim);
            h = cat(new[] { vector, mlp1.call(input) }, 1);
        }
        else if (input is not null) throw new ArgumentException($"{GetName()} has no input (no MLP₁)");
        return (2 * mlp2.call(h).sigmoid()).MoveToOuterDisposeScope();
    }

    /// <summary>Weighted features [B, C, 16, 16] and the weights [B, C].</summary>
    public override (Tensor Features, Tensor Weights) forward(Tensor features, Tensor vector, Tensor? input)
    {
        using var _ = NewDisposeScope();
        var w = Weights(vector, input);
        var weighted = ChannelAttention.Apply(features, w);
        if (spread is not null) weighted = spread.call(weighted);
        return (weighted.MoveToOuterDisposeScope(), w.MoveToOuterDisposeScope());
    }
}

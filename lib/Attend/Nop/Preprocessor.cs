// Maps an image to the NoP-Learner's shared representation: CNN₀ (preprocessor part 1) gives the
// 16×16×16 feature tensor every localiser weights, CNN₁ (part 2) a vector summarising it.
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Nop;

/// <summary>Both parts: image → (features [B, 16, 16, 16], vector [B, VectorDim]).</summary>
public sealed class Preprocessor : Module<Tensor, (Tensor Features, Tensor Vector)>
{
    readonly FeatureExtractor part1;
    readonly FeatureSummary part2;

    public FeatureExtractor Part1 => part1;
    public FeatureSummary Part2 => part2;

    public Preprocessor(NopConfig c) : base(nameof(Preprocessor))
    {
        part1 = new FeatureExtractor(c);
        part2 = new FeatureSummary(c);
        RegisterComponents();
    }

    public override (Tensor Features, Tensor Vector) forward(Tensor images)
    {
        using var _ = NewDisposeScope();
        var f = part1.call(images);
        var v = part2.call(f);
        return (f.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }
}

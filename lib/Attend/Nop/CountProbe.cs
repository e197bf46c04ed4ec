// Maps an image to a count of its objects through the preprocessor alone (CNN₀, CNN₁, then one
// linear layer on CNN₁'s vector): the preprocessor notebook's sanity check that the 16×16×16
// features and the vector carry what the localisers need.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Nop;

public sealed class CountProbe : Module<Tensor, Tensor>
{
    readonly Preprocessor preprocessor;
    readonly Linear readout;

    public Preprocessor Preprocessor => preprocessor;

    public CountProbe(NopConfig c, int maxCount) : base(nameof(CountProbe))
    {
        preprocessor = new Preprocessor(c);
        readout = Linear(c.VectorDim, maxCount + 1);
        RegisterComponents();
    }

    /// <summary>Count logits [B, maxCount + 1].</summary>
    public override Tensor forward(Tensor images)
    {
        using var _ = NewDisposeScope();
        var (_, vector) = preprocessor.call(images);
        return readout.call(vector).MoveToOuterDisposeScope();
    }
}

// Maps an image (and the localiser's input, if any) to a position q = (μx, μy, σx, σy): one
// NoP localiser on its own (preprocessor, attention unit, positioner), for the supervised sanity
// experiments of the attention and positioner notebooks.
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Nop;

public sealed class Localiser : Module
{
    public readonly Preprocessor preprocessor;
    public readonly AttentionUnit attention;
    public readonly Positioner positioner;

    public Localiser(NopConfig c, int inputDim) : base(nameof(Localiser))
    {
        c.Validate();
        preprocessor = new Preprocessor(c);
        attention = new AttentionUnit(c, inputDim, "Attention");
        positioner = new Positioner(c);
        RegisterComponents();
    }

    public Tensor Forward(Tensor images, Tensor? input)
    {
        using var _ = NewDisposeScope();
        var (features, vector) = preprocessor.Forward(images);
        var (weighted, _) = attention.Forward(features, vector, input);
        return positioner.call(weighted).MoveToOuterDisposeScope();
    }
}

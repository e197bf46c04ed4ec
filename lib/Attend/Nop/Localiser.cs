// Maps an image (and the localiser's input, if any) to a position q = (μx, μy, σx, σy): one
// NoP localiser on its own (preprocessor, attention unit, positioner), for the supervised sanity
// experiments of the attention and positioner notebooks.
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Nop;

public sealed class Localiser : Module<Tensor, Tensor?, Tensor>
{
    readonly Preprocessor preprocessor;
    readonly AttentionUnit attention;
    readonly Positioner positioner;

    public Preprocessor Preprocessor => preprocessor;
    public AttentionUnit Attention => attention;
    public Positioner Positioner => positioner;

    public Localiser(NopConfig c, int inputDim) : base(nameof(Localiser))
    {
        c.Validate();
        preprocessor = new Preprocessor(c);
        attention = new AttentionUnit(c, inputDim, "Attention");
        positioner = new Positioner(c);
        RegisterComponents();
    }

    /// <summary>Images [B, C, S, S] and the inputs [B, D] (null for a localiser without one) → q [B, 4].</summary>
    public override Tensor forward(Tensor images, Tensor? input)
    {
        using var _ = NewDisposeScope();
        var (features, vector) = preprocessor.call(images);
        var (weighted, _) = attention.call(features, vector, input);
        return positioner.call(weighted).MoveToOuterDisposeScope();
    }
}

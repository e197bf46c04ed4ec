// Maps a pooled feature vector to class logits: the two-layer head every soft-attention classifier ends with.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.SoftAttention;

public sealed class ClassifierHead : Module<Tensor, Tensor>
{
    readonly Linear hidden;
    readonly Linear output;

    /// <summary>fc (inputs → hidden) · ReLU · fc (hidden → classes).</summary>
    public ClassifierHead(int inputs, int hiddenUnits = 64, int classes = 10) : base(nameof(ClassifierHead))
    {
        hidden = Linear(inputs, hiddenUnits);
        output = Linear(hiddenUnits, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor pooled)
    {
        using var h = F.relu(hidden.call(pooled));
        return output.call(h);
    }
}

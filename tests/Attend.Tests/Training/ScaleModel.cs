using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Attend.Tests.Training;

/// <summary>The smallest trainable module (x · w), for tests of the training loop.</summary>
sealed class ScaleModel : Module<Tensor, Tensor>
{
    readonly Parameter weight;

    public ScaleModel() : base(nameof(ScaleModel))
    {
        weight = Parameter(ones(1));
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor x) => x * weight;
}

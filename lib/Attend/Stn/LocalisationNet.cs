// Maps an image [B, 1, S, S] to the affine θ [B, 2, 3] a spatial transformer samples it
// with; the last layer starts at zero weights and the identity bias, so an untrained
// ST-CNN sees its input unchanged (as the STN paper initialises it). The convolutions run
// through Nn.UnfoldConvolution: libtorch's own kernel gives their input gradient from
// uninitialised memory for these channel counts (NaN losses in full-mode ST-CNN training).
using Attend.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Stn;

public sealed class LocalisationNet : Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Linear fc;
    readonly Linear regressor;

    /// <summary>max-pool 2 · conv 5×5 (1→8) · ReLU · max-pool 2 · conv 5×5 (8→10) · ReLU · fc → hidden · ReLU · fc → 6.</summary>
    public LocalisationNet(int inputSize = 42, int hidden = 32) : base(nameof(LocalisationNet))
    {
        long side = ((inputSize / 2 - 4) / 2) - 4;
        if (side < 1) throw new ArgumentException($"input size {inputSize} is too small for the localisation net (needs at least 26)");
        // Created in the order of the former Sequential body, so a seed gives the same initial weights.
        conv1 = Conv2d(1, 8, 5);
        conv2 = Conv2d(8, 10, 5);
        fc = Linear(10 * side * side, hidden);
        regressor = Linear(hidden, 6);
        using (no_grad())
        {
            regressor.weight!.zero_();
            regressor.bias!.copy_(tensor(new float[] { 1, 0, 0, 0, 1, 0 }));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)
    {
        Shapes.Require(images, "images", -1, 1, -1, -1);
        using var _ = NewDisposeScope();
        var x = F.max_pool2d(images, 2);
        x = F.max_pool2d(F.relu(UnfoldConvolution.Apply(x, conv1.weight!, conv1.bias)), 2);
        x = F.relu(UnfoldConvolution.Apply(x, conv2.weight!, conv2.bias)).flatten(1);
        x = F.relu(fc.call(x));
        return regressor.call(x).view(-1, 2, 3).MoveToOuterDisposeScope();
    }
}

// Maps an image [B, 1, S, S] to the affine θ [B, 2, 3] a spatial transformer samples it
// with; the last layer starts at zero weights and the identity bias, so an untrained
// ST-CNN sees its input unchanged (as the STN paper initialises it).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Stn;

public sealed class LocalisationNet : Module<Tensor, Tensor>
{
    readonly Sequential body;
    readonly Linear regressor;

    /// <summary>max-pool 2 · conv 5×5 (1→8) · ReLU · max-pool 2 · conv 5×5 (8→10) · ReLU · fc → hidden · ReLU · fc → 6.</summary>
    public LocalisationNet(int inputSize = 42, int hidden = 32) : base(nameof(LocalisationNet))
    {
        long side = ((inputSize / 2 - 4) / 2) - 4;
        if (side < 1) throw new ArgumentException($"input size {inputSize} is too small for the localisation net (needs at least 26)");
        body = Sequential(
            MaxPool2d(2), Conv2d(1, 8, 5), ReLU(), MaxPool2d(2), Conv2d(8, 10, 5), ReLU(),
            Flatten(), Linear(10 * side * side, hidden), ReLU());
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
        using var h = body.call(images);
        return regressor.call(h).view(-1, 2, 3);
    }
}

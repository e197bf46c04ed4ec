// Maps a digit image [B, 1, S, S] to class logits [B, 10]: the plain CNN of the STN
// experiment, and the classifier behind the spatial transformer in the ST-CNN.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Stn;

public sealed class DigitCnn : Module<Tensor, Tensor>
{
    readonly Sequential features;
    readonly Sequential head;

    /// <summary>conv 5×5 (1→c1) · ReLU · max-pool 2 · conv 5×5 (c1→c2) · ReLU · max-pool 2 · fc → hidden · ReLU · fc → 10.</summary>
    public DigitCnn(int inputSize = 42, int c1 = 16, int c2 = 32, int hidden = 128, int classes = 10) : base(nameof(DigitCnn))
    {
        features = Sequential(
            Conv2d(1, c1, 5, padding: 2), ReLU(), MaxPool2d(2),
            Conv2d(c1, c2, 5, padding: 2), ReLU(), MaxPool2d(2));
        long side = inputSize / 2 / 2;
        head = Sequential(Flatten(), Linear(c2 * side * side, hidden), ReLU(), Linear(hidden, classes));
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)
    {
        Shapes.Require(images, "digit images", -1, 1, -1, -1);
        using var f = features.call(images);
        return head.call(f);
    }
}

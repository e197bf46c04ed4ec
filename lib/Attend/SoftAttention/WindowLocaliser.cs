// Maps a feature map [B, 32, h, w] to where a constrained window or a glimpse goes: its centre (x, y) in
// normalised coordinates and its spread (a window's standard deviation, or a glimpse's scale). Like the
// STN's localisation network, its last layer starts at zero weights, so every image starts with the same
// window (centred, at the initial spread) and training moves it.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.SoftAttention;

public sealed class WindowLocaliser : Module<Tensor, (Tensor Centre, Tensor Spread)>
{
    readonly Linear hidden;
    readonly Linear output;
    readonly double minSpread;
    readonly double maxSpread;

    /// <summary>flatten · fc (32·side² → 64) · ReLU · fc (64 → 3); centre = tanh, spread = min + (max − min)·sigmoid,
    /// starting at <paramref name="initialSpread"/>.</summary>
    public WindowLocaliser(long featureSide, double minSpread, double maxSpread, double initialSpread) : base(nameof(WindowLocaliser))
    {
        if (!(minSpread > 0 && minSpread < initialSpread && initialSpread < maxSpread))
            throw new ArgumentException($"need 0 < min spread < initial spread < max spread, got {minSpread}, {initialSpread}, {maxSpread}");
        this.minSpread = minSpread;
        this.maxSpread = maxSpread;
        hidden = Linear(SceneEncoder.Channels * featureSide * featureSide, 64);
        output = Linear(64, 3);
        double p = (initialSpread - minSpread) / (maxSpread - minSpread);
        using (no_grad())
        {
            output.weight!.zero_();
            output.bias!.copy_(tensor(new float[] { 0, 0, (float)Math.Log(p / (1 - p)) }));
        }
        RegisterComponents();
    }

    public override (Tensor Centre, Tensor Spread) forward(Tensor features)
    {
        using var _ = NewDisposeScope();
        var o = output.call(F.relu(hidden.call(features.flatten(1))));
        var centre = o.narrow(1, 0, 2).tanh();
        var spread = minSpread + (maxSpread - minSpread) * o[.., 2].sigmoid();
        return (centre.MoveToOuterDisposeScope(), spread.MoveToOuterDisposeScope());
    }
}

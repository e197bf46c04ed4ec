// Maps z_pres's REINFORCE learning signal (NLL minus the neural baseline, per step) to NVIL's
// normalised signal (Mnih & Gregor 2014, "variance normalisation"): centred by a running mean and
// divided by max(1, running standard deviation). A baseline that lags behind a jump of the NLL then
// cannot send the score-function gradient of z_pres off by orders of magnitude. The running
// statistics are buffers, so checkpoints carry them and a resumed run continues exactly.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.Air;

public sealed class LearningSignalNormaliser : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Tensor mean;
    readonly Tensor variance;

    /// <summary>Weight of the old statistics at each update (NVIL's α).</summary>
    public double Decay { get; }

    public LearningSignalNormaliser(double decay) : base(nameof(LearningSignalNormaliser))
    {
        if (decay is < 0 or >= 1) throw new ArgumentException($"the running statistics' decay must lie in [0, 1), got {decay}");
        Decay = decay;
        mean = zeros(1);
        variance = ones(1);
        register_buffer("mean", mean);
        register_buffer("variance", variance);
    }

    public double Mean => mean.item<float>();
    public double Variance => variance.item<float>();

    /// <summary>(signal − c) / max(1, √v) for the steps where <paramref name="mask"/> is 1 (0 elsewhere). In
    /// training mode c and v first move towards this batch's masked mean and variance:
    /// c ← α·c + (1 − α)·mean, v ← α·v + (1 − α)·var. No gradient flows through any of it.</summary>
    public Tensor Normalise(Tensor signal, Tensor mask) => call(signal, mask);

    /// <summary>See <see cref="Normalise"/>; call it as <c>normaliser.call(signal, mask)</c>.</summary>
    public override Tensor forward(Tensor signal, Tensor mask)
    {
        Shapes.Require(mask, "mask", signal.shape);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var s = signal.detach();
        if (training)
        {
            var count = mask.sum().clamp_min(1);
            var batchMean = (s * mask).sum() / count;
            var batchVariance = ((s - batchMean).pow(2) * mask).sum() / count;
            mean.mul_(Decay).add_(batchMean.to(mean.device), alpha: 1 - Decay);
            variance.mul_(Decay).add_(batchVariance.to(variance.device), alpha: 1 - Decay);
        }
        var scale = variance.sqrt().clamp_min(1);
        return ((s - mean) / scale * mask).MoveToOuterDisposeScope();
    }
}

// Maps scenes and AIR's inference to the AIR notes' four loss terms: β·KL (z_pres, z_where and
// z_what, under the delayed mask), the Gaussian NLL with fixed variance, the REINFORCE term for
// z_pres with the neural baseline, and the baseline's squared error. Each is a batch mean.
using Attend.Nn;
using static TorchSharp.torch;

namespace Attend.Air;

public sealed class AirLosses : OutputBundle
{
    public required Tensor KlDivergence { get; init; }
    public required Tensor Nll { get; init; }
    public required Tensor Reinforce { get; init; }
    public required Tensor Baseline { get; init; }

    /// <summary>The sum the optimiser minimises: the first three train the model, the last the
    /// baseline (the detaches keep the two apart).</summary>
    public Tensor Total => KlDivergence + Nll + Reinforce + Baseline;
}

public static class AirLoss
{
    /// <summary>The four terms for a batch. With <paramref name="signal"/> (the model's SignalNormaliser), the
    /// REINFORCE term uses NVIL's normalised learning signal, and in training mode the normaliser's running
    /// statistics take this batch in.</summary>
    public static AirLosses Compute(Tensor images, AirInference r, AirConfig c, LearningSignalNormaliser? signal = null)
    {
        using var _ = NewDisposeScope();
        var prior = PriorPres(r.ProbPres, c);
        var klPres = KlDivergence.Bernoulli(r.ProbPres, prior);                                   // [B, N]
        var klWhat = KlDivergence.NormalLogVar(r.MuWhat, r.LogVarWhat, zeros_like(r.MuWhat), ones_like(r.LogVarWhat)).sum(2);
        var (priorMu, priorVar) = PriorWhere(r.MuWhere, c);
        var klWhere = KlDivergence.NormalLogVar(r.MuWhere, r.LogVarWhere, priorMu, priorVar).sum(2);
        var kl = (klPres + klWhere + klWhat) * r.MaskDelay;

        // Gaussian decoder with fixed variance: ½·Σ(x − x̃)²/σ² per image (constants dropped, as the AIR notes do).
        var nll = 0.5 / c.FixedVariance * (images - r.Reconstruction).pow(2).sum(new long[] { 1, 2, 3 });   // [B]
        var target = nll.unsqueeze(1);
        var learningSignal = (target - r.Baseline).detach();
        if (signal != null) learningSignal = signal.Normalise(learningSignal, r.MaskDelay);
        var reinforce = (learningSignal * r.PresLogLikelihood * r.MaskDelay).sum(1);
        var baselineLoss = ((r.Baseline - target.detach()).pow(2) * r.MaskDelay).sum(1);
        return new AirLosses
        {
            KlDivergence = (c.Beta * kl.sum(1).mean()).MoveToOuterDisposeScope(),
            Nll = nll.mean().MoveToOuterDisposeScope(),
            Reinforce = reinforce.mean().MoveToOuterDisposeScope(),
            Baseline = baselineLoss.mean().MoveToOuterDisposeScope(),
        };
    }

    /// <summary>p(z_pres) = Bernoulli(0.01) at every step, shaped like <paramref name="like"/>.</summary>
    public static Tensor PriorPres(Tensor like, AirConfig c) => full_like(like, c.PriorPresProbability);

    /// <summary>p(z_where) = N((3, 0, 0), diag(0.1², 1, 1)): means and variances shaped like μ_where.</summary>
    public static (Tensor Mean, Tensor Variance) PriorWhere(Tensor muWhere, AirConfig c)
    {
        var mean = tensor(new[] { (float)c.PriorScaleMean, 0f, 0f }, dtype: muWhere.dtype, device: muWhere.device).expand_as(muWhere);
        var variance = tensor(new[] { (float)c.PriorScaleVariance, (float)c.PriorShiftVariance, (float)c.PriorShiftVariance },
                              dtype: muWhere.dtype, device: muWhere.device).expand_as(muWhere);
        return (mean, variance);
    }
}

// Maps two distributions' parameters to KL(q ‖ p), elementwise: normals in the NoP design notes'
// σ form and in AIR's log-variance form, and Bernoullis with AIR's ε handling.
using static TorchSharp.torch;

namespace Attend.Nn;

public static class KlDivergence
{
    /// <summary>AIR's ε: added inside log q only, so q = 0 or 1 stays finite (float32 keeps 1e-32).</summary>
    public const double BernoulliEpsilon = 1e-32;

    /// <summary>KL(N(μ₀, σ₀²) ‖ N(μ₁, σ₁²)) = ½(σ₀²/σ₁² − 1 − log(σ₀²/σ₁²) + (μ₀ − μ₁)²/σ₁²)
    /// (the NoP design notes' form, taking standard deviations).</summary>
    public static Tensor NormalSigma(Tensor mu0, Tensor sigma0, Tensor mu1, Tensor sigma1)
    {
        using var _ = NewDisposeScope();
        var ratio = (sigma0 / sigma1).pow(2);
        return (0.5 * (ratio - 1 - ratio.log() + (mu0 - mu1).pow(2) / sigma1.pow(2))).MoveToOuterDisposeScope();
    }

    /// <summary>KL(N(μ_q, exp(logvar_q)) ‖ N(μ_p, var_p)) = −½(1 + log r − r − (μ_q − μ_p)²/var_p),
    /// r = exp(logvar_q)/var_p (AIR's gaussian_kl; var_p is a variance, not a log-variance).</summary>
    public static Tensor NormalLogVar(Tensor muQ, Tensor logVarQ, Tensor muP, Tensor varP)
    {
        using var _ = NewDisposeScope();
        var varRatio = logVarQ.exp() / varP;
        var t1 = (muQ - muP).pow(2) / varP;
        return (-0.5 * (1 + varRatio.log() - varRatio - t1)).MoveToOuterDisposeScope();
    }

    /// <summary>KL to the standard normal, ½(exp(logvar) + μ² − 1 − logvar) (the AIR notes' kl_loss, elementwise).</summary>
    public static Tensor StandardNormal(Tensor mu, Tensor logVar)
    {
        using var _ = NewDisposeScope();
        return (0.5 * (logVar.exp() + mu.pow(2) - 1 - logVar)).MoveToOuterDisposeScope();
    }

    /// <summary>KL(Bern(q) ‖ Bern(p)) = q(log(q+ε) − log p) + (1−q)(log(1−q+ε) − log(1−p)),
    /// ε = 1e-32 as AIR (so q ∈ {0, 1} gives a finite value; p must lie in (0, 1)).</summary>
    public static Tensor Bernoulli(Tensor q, Tensor p)
    {
        using var _ = NewDisposeScope();
        var q0 = 1 - q;
        var p0 = 1 - p;
        var kl1 = q * ((q + BernoulliEpsilon).log() - p.log());
        var kl0 = q0 * ((q0 + BernoulliEpsilon).log() - p0.log());
        return (kl1 + kl0).MoveToOuterDisposeScope();
    }
}

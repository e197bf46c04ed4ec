// What one pass of AIR over a batch produces: per step (N = 3) the sampled latents, their
// distribution parameters, the delayed mask and the baseline, plus the reconstruction and counts.
using Attend.Nn;
using static TorchSharp.torch;

namespace Attend.Air;

/// <summary>Shapes: B images, N steps. z_pres, p_pres, mask, log-likelihood and baseline are
/// [B, N]; z_where and its parameters [B, N, 3]; z_what's parameters [B, N, 20]; the pasted
/// windows [B, N, S, S] (when kept); the reconstruction [B, 1, S, S]; counts [B] (int64).</summary>
public sealed class AirInference : OutputBundle
{
    public required Tensor ZPres { get; init; }
    public required Tensor ProbPres { get; init; }
    /// <summary>Step i counts iff z_pres of step i−1 was 1 (step 0 always counts): no KL, REINFORCE
    /// or baseline term after the first z_pres = 0.</summary>
    public required Tensor MaskDelay { get; init; }
    /// <summary>log q(z_pres_i) of the sample, zero where the previous z_pres was 0.</summary>
    public required Tensor PresLogLikelihood { get; init; }
    public required Tensor ZWhere { get; init; }
    public required Tensor MuWhere { get; init; }
    public required Tensor LogVarWhere { get; init; }
    public required Tensor ZWhat { get; init; }
    public required Tensor MuWhat { get; init; }
    public required Tensor LogVarWhat { get; init; }
    public required Tensor Baseline { get; init; }
    /// <summary>The pasted windows [B, N, S, S], or null where the reconstruction was pasted and summed in one pass
    /// (direct paste of windows decoded as one batch, the default).</summary>
    public required Tensor? Pasted { get; init; }
    public required Tensor Reconstruction { get; init; }

    /// <summary>Objects found: the number of z_pres = 1.</summary>
    public Tensor Counts => ZPres.sum(1).to_type(ScalarType.Int64);

}

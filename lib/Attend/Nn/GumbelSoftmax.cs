// Maps logits to a (relaxed) one-hot category sample: the Gumbel-softmax of Jang et al.,
// with the straight-through hard variant. Written here because TorchSharp has no
// gumbel_softmax (it has Gumbel and RelaxedOneHotCategorical distributions only).
using static TorchSharp.torch;

namespace Attend.Nn;

public static class GumbelSoftmax
{
    /// <summary>
    /// y_soft = softmax((logits + g) / τ) with g ~ Gumbel(0, 1). With <paramref name="hard"/>,
    /// returns y_hard − y_soft.detach() + y_soft: exactly one-hot in the forward pass, the soft
    /// sample's gradient in the backward pass (straight-through).
    /// </summary>
    public static Tensor Sample(Tensor logits, double tau = 1.0, bool hard = false, long dim = -1, Generator? generator = null)
    {
        if (!(tau > 0)) throw new ArgumentException($"Gumbel-softmax temperature must be > 0, got {tau}");
        using var _ = NewDisposeScope();
        var u = rand(logits.shape, dtype: logits.dtype, device: logits.device, generator: generator);
        GC.KeepAlive(generator);   // a caller's `new Generator(…)` must not be finalised during the native call
        // −log(−log U), with U kept away from 0 and 1 so the noise stays finite.
        var gumbel = -log(-log(u.clamp(1e-10, 1 - 1e-7)));
        var ySoft = ((logits + gumbel) / tau).softmax(dim);
        if (!hard) return ySoft.MoveToOuterDisposeScope();
        var index = ySoft.argmax(dim, keepdim: true);
        var yHard = zeros_like(ySoft).scatter_(dim, index, ones_like(index, dtype: ySoft.dtype));
        return (yHard - ySoft.detach() + ySoft).MoveToOuterDisposeScope();
    }
}

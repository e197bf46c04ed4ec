// Adam in one pass over each parameter's memory. TorchSharp's Adam (which this subclasses, so parameter groups, state,
// state_dict and checkpoints stay exactly TorchSharp's) updates each parameter with eight tensor operations and two
// temporaries, about twenty passes over parameter-sized memory, and libtorch's square root (MKL's vector math) takes a
// slow path for the exact zeros a weight that never gets a gradient keeps in v. On the CPU this loop reads p, g, m and
// v once and writes p, m and v once, with the processor's own square root. Written by hand: TorchSharp binds no fused
// Adam.
//
// The same update, operation for operation (libtorch's float roundings of the scalars, a fused multiply-add where its
// kernels use one); the square root is correctly rounded where MKL's may differ in the last bit, so parameters agree
// with TorchSharp's Adam to float precision rather than bit for bit (tests compare them). Anything else (a parameter
// off the CPU or not float32 or not contiguous, amsgrad, maximize, weight decay, a closure) goes to TorchSharp's step.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Attend.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.Training;

public sealed class SinglePassAdam : Adam
{
    public SinglePassAdam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(groups, lr, beta1, beta2, eps)
    {
    }

    /// <summary>True when every parameter is one this loop handles (else <see cref="step"/> is TorchSharp's).</summary>
    public bool Handles => _parameter_groups.All(g => Applies((Options)g.Options) && g.Parameters.All(p => Flat(p)
        && _state[p.Handle] is State s && Flat(s.exp_avg) && Flat(s.exp_avg_sq)));

    static bool Flat(Tensor t) => t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous();

    static bool Applies(Options o) => o.weight_decay == 0 && o.amsgrad != true && o.maximize != true;

    public override unsafe Tensor step(Func<Tensor>? closure = null)
    {
        if (closure != null || !Handles) return base.step(closure!);
        foreach (var group in _parameter_groups)
        {
            var o = (Options)group.Options;
            foreach (var param in group.Parameters)
            {
                var grad = param.grad;
                if (grad is null) continue;
                using var contiguous = grad.is_contiguous() ? null : grad.contiguous();
                var state = (State)_state[param.Handle];
                state.step += 1;
                double biasCorrection1 = 1 - Math.Pow(o.beta1!.Value, state.step);
                double biasCorrection2 = 1 - Math.Pow(o.beta2!.Value, state.step);
                // libtorch converts each scalar operand to float before its kernel runs, as here.
                var c = new Coefficients(
                    Beta1: (float)o.beta1.Value, OneMinusBeta1: (float)(1 - o.beta1.Value),
                    Beta2: (float)o.beta2.Value, OneMinusBeta2: (float)(1 - o.beta2.Value),
                    SqrtBiasCorrection2: (float)Math.Sqrt(biasCorrection2), Eps: (float)o.eps!.Value,
                    NegativeStepSize: (float)-(o.LearningRate!.Value / biasCorrection1));
                Update(TensorData.Pointer<float>(param), TensorData.Pointer<float>(contiguous ?? grad),
                       TensorData.Pointer<float>(state.exp_avg), TensorData.Pointer<float>(state.exp_avg_sq), param.numel(), c);
            }
        }
        return null!;
    }

    /// <summary>The update's scalars, each already rounded to float as libtorch rounds them.</summary>
    readonly record struct Coefficients(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
                                        float SqrtBiasCorrection2, float Eps, float NegativeStepSize);

    /// <summary>One Adam update of <paramref name="n"/> elements in place:
    /// m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; p += −step · m / (√v / √(1−β₂ᵗ) + ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void Update(float* p, float* g, float* m, float* v, long n, Coefficients c)
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var b1 = Vector256.Create(c.Beta1);
            var a1 = Vector256.Create(c.OneMinusBeta1);
            var b2 = Vector256.Create(c.Beta2);
            var a2 = Vector256.Create(c.OneMinusBeta2);
            var s2 = Vector256.Create(c.SqrtBiasCorrection2);
            var eps = Vector256.Create(c.Eps);
            var step = Vector256.Create(c.NegativeStepSize);
            for (; i + Vector256<float>.Count <= n; i += Vector256<float>.Count)
            {
                var gi = Vector256.Load(g + i);
                // exp_avg.mul_(β₁).add_(g, alpha: 1−β₁): libtorch's add with alpha is a fused multiply-add.
                var mi = Vector256.FusedMultiplyAdd(gi, a1, Vector256.Load(m + i) * b1);
                // exp_avg_sq.mul_(β₂).addcmul_(g, g, value: 1−β₂): v + ((1−β₂)·g)·g, the last product fused with the sum.
                var vi = Vector256.FusedMultiplyAdd(a2 * gi, gi, Vector256.Load(v + i) * b2);
                mi.Store(m + i);
                vi.Store(v + i);
                // (√v / √(1−β₂ᵗ)).add_(ε), then p.addcdiv_(m, denom, value: −step): p + (−step·m) / denom.
                var denom = Vector256.Sqrt(vi) / s2 + eps;
                (Vector256.Load(p + i) + step * mi / denom).Store(p + i);
            }
        }
        for (; i < n; i++)
        {
            m[i] = MathF.FusedMultiplyAdd(g[i], c.OneMinusBeta1, m[i] * c.Beta1);
            v[i] = MathF.FusedMultiplyAdd(c.OneMinusBeta2 * g[i], g[i], v[i] * c.Beta2);
            p[i] = p[i] + c.NegativeStepSize * m[i] / (MathF.Sqrt(v[i]) / c.SqrtBiasCorrection2 + c.Eps);
        }
    }
}

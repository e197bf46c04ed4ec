// Maps flattened scenes to the image terms of both networks' first layers (inference network and baseline, each
// x·W_xᵀ + b, with W_xᵀ held as a [P, H] parameter). Written as a custom autograd function for two reasons, both the
// same function:
// - On the CPU, when the scenes are mostly background (at most MaxInkDensity of their values nonzero; AIR's are about
//   6 %), the terms and the weights' gradients are summed over the inked pixels alone (InkedPixels).
// - Otherwise one product [P, B]·[B, 2H] gives both weights' gradients, so the scenes are read and packed once, not
//   twice (autograd takes one product per weight).
// The scenes get no gradient (they are data).
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Air;

internal sealed class ImageTermsFunction : autograd.SingleTensorFunction<ImageTermsFunction>
{
    /// <summary>Above this share of nonzero values the dense products are faster (measured on the 2-core machine: the
    /// inked-pixel loops run at about a tenth of the dense product's rate per multiply-add).</summary>
    public const double MaxInkDensity = 0.1;

    public override string Name => nameof(ImageTermsFunction);

    /// <summary>vars: flat scenes [B, P], then each network's transposed image weight [P, H] and bias [H]. Returns [B, 2H]:
    /// the first network's term, then the second's.</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var (w1, b1, w2, b2) = ((Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        ctx.save_for_backward(new() { x });
        var ink = Inked(x, w1, b1, w2, b2);
        ctx.save_data("ink", ink!);
        if (ink is null) return cat(new[] { addmm(b1, x, w1, 1, 1), addmm(b2, x, w2, 1, 1) }, 1);
        long h = w1.shape[1];
        var terms = empty(x.shape[0], 2 * h, dtype: x.dtype);
        if (ink is InkedPixels<float> f) InkedTerms(f, terms, w1, b1, w2, b2);
        else InkedTerms((InkedPixels<double>)ink, terms, w1, b1, w2, b2);
        return terms;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var x = ctx.get_saved_variables()[0];
        var ink = ctx.get_data("ink");
        long h = gradient.shape[1] / 2;
        var g = gradient.contiguous();
        var biases = g.sum(0, keepdim: false);
        Tensor weights;
        if (ink is null) weights = x.t().mm(g);     // [P, 2H]: both weights' gradients, side by side
        else
        {
            weights = empty(2, x.shape[1], h, dtype: x.dtype);
            if (ink is InkedPixels<float> f) InkedWeightGradients(f, g, weights);
            else InkedWeightGradients((InkedPixels<double>)ink, g, weights);
        }
        var (first, second) = ink is null ? (weights.narrow(1, 0, h), weights.narrow(1, h, h)) : (weights[0], weights[1]);
        return new() { null!, first, biases.narrow(0, 0, h), second, biases.narrow(0, h, h) };
    }

    /// <summary>The scenes' ink when the inked-pixel loops apply (contiguous CPU tensors of one float dtype, sparse enough).</summary>
    static object? Inked(Tensor x, params Tensor[] parameters)
    {
        if (x.device_type != DeviceType.CPU || !x.is_contiguous()
            || parameters.Any(t => t.device_type != DeviceType.CPU || t.dtype != x.dtype || !t.is_contiguous()))
            return null;
        return x.dtype switch
        {
            ScalarType.Float32 => InkedPixels<float>.Find(x, MaxInkDensity),
            ScalarType.Float64 => InkedPixels<double>.Find(x, MaxInkDensity),
            _ => null,
        };
    }

    static unsafe void InkedTerms<T>(InkedPixels<T> ink, Tensor terms, Tensor w1, Tensor b1, Tensor w2, Tensor b2)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int h = (int)w1.shape[1];
        T* t = Runtime.TensorData.Pointer<T>(terms);
        ink.Terms(Runtime.TensorData.Pointer<T>(w1), Runtime.TensorData.Pointer<T>(b1), h, t, 2 * h);
        ink.Terms(Runtime.TensorData.Pointer<T>(w2), Runtime.TensorData.Pointer<T>(b2), h, t + h, 2 * h);
    }

    static unsafe void InkedWeightGradients<T>(InkedPixels<T> ink, Tensor g, Tensor weights)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int h = (int)weights.shape[2];
        T* gp = Runtime.TensorData.Pointer<T>(g);
        T* w = Runtime.TensorData.Pointer<T>(weights);
        ink.WeightGradient(gp, 2 * h, h, w);
        ink.WeightGradient(gp + h, 2 * h, h, w + (long)ink.Pixels * h);
    }
}

// Maps flattened scenes to the image terms of both networks' first layers (inference network and baseline, each
// x·W_xᵀ + b, with W_xᵀ held as a [P, H] parameter). Written as a custom autograd function for two reasons, both the
// same function:
// - On the CPU, when the scenes are mostly background (at most MaxInkDensity of their values nonzero, as AIR's are),
//   the terms and the weights' gradients are summed over the inked pixels alone (InkedPixels).
// - Otherwise one product [P, B]·[B, 2H] gives both weights' gradients, so the scenes are read and packed once, not
//   twice (autograd takes one product per weight).
// The scenes get no gradient (they are data).
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Air;

internal sealed class ImageTermsFunction : autograd.SingleTensorFunction<ImageTermsFunction>
{
    /// <summary>Above this share of nonzero values the dense products are taken: the inked-pixel loops do far fewer
    /// multiply-adds, but at a lower rate than the dense product's (a one-off comparison on the 2-core machine put the
    /// break-even near a tenth; bench air times both forms at AIR's share).</summary>
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
        int h = (int)w1.shape[1];
        var terms = empty(x.shape[0], 2 * h, dtype: x.dtype);
        ink.Terms(w1, b1, terms, 0);
        ink.Terms(w2, b2, terms, h);
        return terms;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var x = ctx.get_saved_variables()[0];
        var ink = (IInkedPixels?)ctx.get_data("ink");
        int h = (int)gradient.shape[1] / 2;
        var g = gradient.contiguous();
        var biases = g.sum(0, keepdim: false);
        Tensor first;
        Tensor second;
        if (ink is null)
        {
            var weights = x.t().mm(g);     // [P, 2H]: both weights' gradients, side by side
            (first, second) = (weights.narrow(1, 0, h), weights.narrow(1, h, h));
        }
        else
        {
            var weights = empty(2, x.shape[1], h, dtype: x.dtype);
            (first, second) = (weights[0], weights[1]);
            ink.WeightGradient(g, 0, first);
            ink.WeightGradient(g, h, second);
        }
        return new() { null!, first, biases.narrow(0, 0, h), second, biases.narrow(0, h, h) };
    }

    /// <summary>The scenes' ink when the inked-pixel loops apply (contiguous CPU tensors of one float dtype, sparse enough).</summary>
    static IInkedPixels? Inked(Tensor x, params Tensor[] parameters)
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
}

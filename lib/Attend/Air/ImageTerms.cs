// Maps flattened scenes to the image terms of both networks' first layers (inference network and baseline, each
// W_x·x + b), with one product for both weights' gradients: the gradient [B, 2·256] of the two terms times the scenes
// gives both weights' gradients as the two halves of one [2·256, 2,500] result, so the scenes are read and packed once
// instead of twice. The same function; written as a custom autograd function because autograd takes one product per
// weight. The scenes get no gradient (they are data).
using static TorchSharp.torch;

namespace Attend.Air;

internal sealed class ImageTermsFunction : autograd.SingleTensorFunction<ImageTermsFunction>
{
    public override string Name => nameof(ImageTermsFunction);

    /// <summary>vars: flat scenes [B, P], then each network's image weight [H, P] and bias [H]. Returns [B, 2H]: the first
    /// network's term, then the second's.</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        ctx.save_for_backward(new() { x });
        return cat(new[]
        {
            nn.functional.linear(x, (Tensor)vars[1], (Tensor)vars[2]), nn.functional.linear(x, (Tensor)vars[3], (Tensor)vars[4]),
        }, 1);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var x = ctx.get_saved_variables()[0];
        long h = gradient.shape[1] / 2;
        var g = gradient.contiguous();
        var weights = g.t().mm(x);            // [2H, P]: both weights' gradients, one after the other
        var biases = g.sum(0, keepdim: false);
        return new() { null!, weights.narrow(0, 0, h), biases.narrow(0, 0, h), weights.narrow(0, h, h), biases.narrow(0, h, h) };
    }
}

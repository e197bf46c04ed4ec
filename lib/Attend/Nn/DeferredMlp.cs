// Maps an MLP applied once per step of a recurrence (AIR's inference network, baseline and what-encoder: N = 3 steps of
// the same weights in one forward pass) to one weight-gradient product per layer. Autograd computes a weight's gradient
// at each use: N products whose inner size is the batch (64), which run far below the machine's rate, and N − 1 sums.
// Here each step's backward computes only the gradients of its inputs and keeps its layers' inputs and output
// gradients; after the last step's backward, one node multiplies the steps' stacked gradients and inputs (inner size
// N·B) for each weight. The same function, its gradients equal to float rounding. Written with TorchSharp's custom
// autograd functions, since autograd has no way to defer a weight's gradient across uses.
using static TorchSharp.torch;

namespace Attend.Nn;

/// <summary>One forward pass's applications of an MLP of Linear layers with ReLU between them (none after the last):
/// the layers, the token that ties each step to the weight-gradient node, and what the steps' backward passes keep.</summary>
public sealed class DeferredMlp
{
    internal readonly (Tensor Weight, Tensor? Bias)[] Layers;
    internal readonly List<Tensor>[] Inputs;
    internal readonly List<Tensor>[] OutputGradients;
    readonly Tensor token;

    /// <param name="layers">weights [out, in] and biases [out] (null: none), first layer first.</param>
    public DeferredMlp(params (Tensor Weight, Tensor? Bias)[] layers)
    {
        if (layers.Length == 0) throw new ArgumentException("an MLP needs at least one layer");
        Layers = layers;
        Inputs = layers.Select(_ => new List<Tensor>()).ToArray();
        OutputGradients = layers.Select(_ => new List<Tensor>()).ToArray();
        var vars = new List<object>();
        foreach (var (w, b) in layers)
        {
            vars.Add(w);
            if (b is not null) vars.Add(b);
        }
        vars.Add(this);
        token = DeferredMlpWeightsFunction.apply(vars.ToArray());
    }

    /// <summary>One step: the MLP on <paramref name="x"/> [B, in], with <paramref name="addend"/> [B, out₀] (or null) added to
    /// the first layer's output before its ReLU.</summary>
    public Tensor Apply(Tensor x, Tensor? addend = null) => DeferredMlpStepFunction.apply(x, addend!, token, this);

    internal void Clear()
    {
        foreach (var list in Inputs.Concat(OutputGradients)) list.Clear();
    }
}

/// <summary>The node every step's output depends on through the token: autograd runs its backward after all the steps',
/// and it returns each layer's weight and bias gradients from the stacked steps.</summary>
internal sealed class DeferredMlpWeightsFunction : autograd.SingleTensorFunction<DeferredMlpWeightsFunction>
{
    public override string Name => nameof(DeferredMlpWeightsFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ctx.save_data("mlp", vars[^1]);
        var first = (Tensor)vars[0];
        return zeros(1, dtype: first.dtype, device: first.device);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor tokenGradient)
    {
        var mlp = (DeferredMlp)ctx.get_data("mlp");
        var gradients = new List<Tensor>();
        for (int l = 0; l < mlp.Layers.Length; l++)
        {
            bool used = mlp.Inputs[l].Count > 0;
            var x = used ? cat(mlp.Inputs[l], 0) : null;
            var g = used ? cat(mlp.OutputGradients[l], 0) : null;
            gradients.Add(used ? g!.t().mm(x!) : null!);
            if (mlp.Layers[l].Bias is not null) gradients.Add(used ? g!.sum(0, keepdim: false) : null!);
        }
        mlp.Clear();   // kept for one backward pass only (a second one, with retain_graph, collects its own)
        gradients.Add(null!);
        return gradients;
    }
}

/// <summary>One step's MLP: the forward pass; the backward pass gives the input's and the addend's gradients and hands
/// the weights' share to the <see cref="DeferredMlp"/>.</summary>
internal sealed class DeferredMlpStepFunction : autograd.SingleTensorFunction<DeferredMlpStepFunction>
{
    public override string Name => nameof(DeferredMlpStepFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var addend = vars[1] as Tensor;
        var mlp = (DeferredMlp)vars[3];
        var inputs = new List<Tensor> { x };
        Tensor output = x;
        for (int l = 0; l < mlp.Layers.Length; l++)
        {
            var (w, b) = mlp.Layers[l];
            output = nn.functional.linear(inputs[l], w, b);
            if (l == 0 && addend is not null) output = output.add_(addend);
            if (l < mlp.Layers.Length - 1) inputs.Add(nn.functional.relu(output));
        }
        ctx.save_for_backward(inputs);
        ctx.save_data("mlp", mlp);
        ctx.save_data("inputGradient", x.requires_grad);
        ctx.save_data("addendGradient", addend is not null && addend.requires_grad);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor outputGradient)
    {
        var inputs = ctx.get_saved_variables();
        var mlp = (DeferredMlp)ctx.get_data("mlp");
        var g = outputGradient.contiguous();
        Tensor? dInput = null;
        for (int l = mlp.Layers.Length - 1; l >= 0; l--)
        {
            mlp.Inputs[l].Add(inputs[l]);
            mlp.OutputGradients[l].Add(g);
            if (l == 0)
            {
                if ((bool)ctx.get_data("inputGradient")) dInput = g.mm(mlp.Layers[0].Weight.detach());
                break;
            }
            // As autograd's Linear and ReLU backward: through the weights, then where the ReLU's output was positive.
            g = g.mm(mlp.Layers[l].Weight.detach()).mul_(inputs[l].gt(0));
        }
        var dAddend = (bool)ctx.get_data("addendGradient") ? g : null;
        return new() { dInput!, dAddend!, zeros(1, dtype: g.dtype, device: g.device), null! };
    }
}

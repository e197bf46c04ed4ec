// DeferredMlp against the same layers through autograd: three steps of a recurrence sharing the weights, with an addend
// on the first layer, give the same outputs and the same gradients for weights, biases, inputs and addend.
using Attend.Nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Tests.Nn;

public class DeferredMlpTests
{
    [Fact]
    public void Three_steps_give_autograds_outputs_and_gradients()
    {
        manual_seed(3);
        var w0 = randn(new long[] { 6, 5 }, dtype: ScalarType.Float64);
        var w1 = randn(new long[] { 4, 6 }, dtype: ScalarType.Float64);
        var b1 = randn(new long[] { 4 }, dtype: ScalarType.Float64);
        var x0 = randn(new long[] { 3, 5 }, dtype: ScalarType.Float64);
        var addend = randn(new long[] { 3, 6 }, dtype: ScalarType.Float64);
        var w = randn(new long[] { 3, 4 }, dtype: ScalarType.Float64);

        Tensor[] Run(bool deferred)
        {
            var (a0, a1, ab1, ax, aAdd) = (w0.clone().requires_grad_(), w1.clone().requires_grad_(), b1.clone().requires_grad_(),
                                            x0.clone().requires_grad_(), addend.clone().requires_grad_());
            var mlp = deferred ? new DeferredMlp((a0, null), (a1, ab1)) : null;
            var x = ax;
            var loss = zeros(1, dtype: ScalarType.Float64);
            for (int step = 0; step < 3; step++)
            {
                var y = mlp is not null ? mlp.Apply(x, aAdd) : F.linear(F.relu(F.linear(x, a0) + aAdd), a1, ab1);
                loss = loss + (y * w).sum();
                x = y.narrow(1, 0, 4).tanh().repeat(1, 2).narrow(1, 0, 5);   // the next step's input depends on this one
            }
            loss.backward();
            return new[] { loss.detach(), a0.grad!, a1.grad!, ab1.grad!, ax.grad!, aAdd.grad! };
        }

        var expected = Run(deferred: false);
        var actual = Run(deferred: true);
        string[] names = { "loss", "first weight", "second weight", "second bias", "input", "addend" };
        for (int i = 0; i < names.Length; i++) TestTorch.Close(expected[i], actual[i], 1e-12, names[i]);
        Assert.True(actual[1].abs().sum().item<double>() > 0, "the first weight gets no gradient");
    }

    [Fact]
    public void An_empty_mlp_is_rejected()
    {
        Assert.Contains("at least one layer", Assert.Throws<ArgumentException>(() => new DeferredMlp()).Message);
    }
}

// The single-pass Adam against TorchSharp's: moments bit for bit, parameters to float precision (the square root is
// correctly rounded where libtorch's may differ in the last bit), over lengths around the vector width, gradients of
// very different scales, zero gradients and two parameter groups; its state in TorchSharp's format; what it hands to
// TorchSharp's step.
using Attend.Training;
using TorchSharp.Modules;

namespace Attend.Tests.Training;

public class SinglePassAdamTests
{
    static readonly long[] Sizes = { 1, 7, 8, 31, 33, 1000, 65_537 };

    static bool Same(Tensor a, Tensor b) => a.bytes.SequenceEqual(b.bytes);   // bit for bit

    static (List<Parameter> Model, List<Parameter> Baseline) Parameters(ulong seed)
    {
        var g = new Generator(seed);
        var all = Sizes.Select(n => new Parameter(randn(new[] { n }, generator: g))).ToList();
        return (all.Take(4).ToList(), all.Skip(4).ToList());
    }

    [Fact]
    public void Gives_TorchSharps_Adam_update()
    {
        var (refModel, refBaseline) = Parameters(5);
        var (model, baseline) = Parameters(5);
        var initial = model.Concat(baseline).Select(q => q.detach().clone()).ToList();
        using var reference = new Adam(new[] { new Adam.ParamGroup(refModel, lr: 1e-3), new Adam.ParamGroup(refBaseline, lr: 1e-2) });
        using var fused = new SinglePassAdam(new[] { new Adam.ParamGroup(model, lr: 1e-3), new Adam.ParamGroup(baseline, lr: 1e-2) });
        Assert.True(fused.Handles);
        var gradients = new Generator(6);
        for (int step = 0; step < 6; step++)
        {
            foreach (var (r, f) in refModel.Concat(refBaseline).Zip(model.Concat(baseline)))
            {
                // Scales 1, 1e-4 and 1e-8 (where ε matters), and a zero gradient for the first half at step 0 (v stays 0 there).
                var grad = randn(r.shape, generator: gradients) * Math.Pow(10, step % 3 * -4);
                if (step == 0) grad.narrow(0, 0, (r.shape[0] + 1) / 2).zero_();
                r.grad = grad.clone();
                f.grad = grad.clone();
            }
            reference.step();
            fused.step();
        }
        var refState = reference.state_dict().State.Cast<Adam.State>().ToList();
        var state = fused.state_dict().State.Cast<Adam.State>().ToList();
        var all = refModel.Concat(refBaseline).Zip(model.Concat(baseline)).ToList();
        for (int i = 0; i < all.Count; i++)
        {
            Assert.True(Same(refState[i].exp_avg, state[i].exp_avg), $"first moment of {Sizes[i]} elements differs");
            Assert.True(Same(refState[i].exp_avg_sq, state[i].exp_avg_sq), $"second moment of {Sizes[i]} elements differs");
            Assert.Equal(refState[i].step, state[i].step);
            double moved = (all[i].First - initial[i]).abs().max().item<float>();
            Assert.True(moved > 1e-4, $"parameter of {Sizes[i]} elements did not move");
            // A last-bit difference in an update may round the parameter to a neighbouring float: up to 2 ulps of its value.
            Assert.True(all[i].Second.allclose(all[i].First, rtol: 2.4e-7, atol: 1e-6 * moved),
                        $"parameter of {Sizes[i]} elements: max |diff| {(all[i].First - all[i].Second).abs().max().item<float>():E2}");
        }
    }

    [Fact]
    public void Its_state_loads_into_TorchSharps_Adam_and_goes_on_the_same()
    {
        var (model, baseline) = Parameters(7);
        var all = model.Concat(baseline).ToList();
        using var fused = new SinglePassAdam(new[] { new Adam.ParamGroup(model, lr: 1e-3), new Adam.ParamGroup(baseline, lr: 1e-2) });
        foreach (var p in all) p.grad = ones_like(p);
        fused.step();
        using var plain = new Adam(new[] { new Adam.ParamGroup(model, lr: 1e-3), new Adam.ParamGroup(baseline, lr: 1e-2) });
        plain.load_state_dict(fused.state_dict());
        var before = all.Select(p => p.detach().clone()).ToList();
        plain.step();
        var plainStep = all.Select((p, i) => (p - before[i]).detach().clone()).ToList();
        for (int i = 0; i < all.Count; i++) using (no_grad()) all[i].copy_(before[i]);
        fused.step();
        for (int i = 0; i < all.Count; i++) TestTorch.Close(plainStep[i], all[i] - before[i], 1e-7, $"second step of parameter {i}");
    }

    [Fact]
    public void A_parameter_without_a_gradient_is_left_alone_and_other_options_go_to_TorchSharps_step()
    {
        var p = new Parameter(ones(5));
        var q = new Parameter(ones(5));
        using var adam = new SinglePassAdam(new[] { new Adam.ParamGroup(new[] { p, q }, lr: 0.1) });
        p.grad = ones(5);
        adam.step();
        Assert.True(Same(q, ones(5)));
        Assert.True(p.lt(1).all().item<bool>(), "p should have moved down");

        var r = new Parameter(ones(5));
        var decay = new Adam.Options { LearningRate = 0.1, weight_decay = 0.5 };
        using var decayed = new SinglePassAdam(new[] { new Adam.ParamGroup(new[] { r }, decay) });
        Assert.False(decayed.Handles);
        r.grad = zeros(5);
        decayed.step();   // TorchSharp's step: weight decay alone moves r
        Assert.True(r.lt(1).all().item<bool>());

        var d = new Parameter(ones(5, dtype: ScalarType.Float64));
        using var doubles = new SinglePassAdam(new[] { new Adam.ParamGroup(new[] { d }, lr: 0.1) });
        Assert.False(doubles.Handles);
        d.grad = ones(5, dtype: ScalarType.Float64);
        doubles.step();
        Assert.True(d.lt(1).all().item<bool>());
    }
}

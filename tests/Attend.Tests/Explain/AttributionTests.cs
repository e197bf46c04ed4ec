using Attend.Explain;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Attend.Tests.Explain;

public class AttributionTests
{
    /// <summary>A small ReLU CNN in float64: images [B, 1, 5, 5] → class scores [B, 3].</summary>
    static Sequential Net()
    {
        manual_seed(41);
        var net = Sequential(Conv2d(1, 4, 3), ReLU(), Flatten(), Linear(36, 3));
        net.to(ScalarType.Float64);
        net.eval();
        return net;
    }

    static Func<Tensor, Tensor> ClassScore(Module<Tensor, Tensor> net, int c) => x => net.call(x)[.., c];

    [Fact]
    public void Gradient_saliency_matches_finite_differences()
    {
        using var net = Net();
        var x = rand(2, 1, 5, 5, dtype: ScalarType.Float64);
        var g = Attribution.Gradient(ClassScore(net, 1), x);
        Assert.Equal(x.shape, g.shape);
        Assert.False(x.requires_grad);
        const double eps = 1e-6;
        var flat = x.flatten();
        for (long i = 0; i < flat.shape[0]; i += 7)
        {
            var up = flat.clone();
            up[i] = flat[i].item<double>() + eps;
            var down = flat.clone();
            down[i] = flat[i].item<double>() - eps;
            using var _ = no_grad();
            double numeric = (net.call(up.view(x.shape))[.., 1].sum() - net.call(down.view(x.shape))[.., 1].sum()).item<double>() / (2 * eps);
            double analytic = g.flatten()[i].item<double>();
            Assert.True(Math.Abs(numeric - analytic) < 1e-6, $"pixel {i}: numeric {numeric}, autograd {analytic}");
        }
    }

    [Fact]
    public void Integrated_gradients_are_complete_and_exact_for_a_quadratic()
    {
        // f(x) = Σ a·x²: the gradient is linear along the path, so the midpoint rule is exact with one step.
        var a = rand(1, 1, 4, 4, dtype: ScalarType.Float64);
        Func<Tensor, Tensor> quadratic = x => (a * x * x).sum(new long[] { 1, 2, 3 });
        var x = rand(3, 1, 4, 4, dtype: ScalarType.Float64);
        var baseline = rand(3, 1, 4, 4, dtype: ScalarType.Float64);
        var ig = Attribution.IntegratedGradients(quadratic, x, baseline, steps: 1);
        // Hand value: ∫₀¹ 2a(x′ + α(x − x′)) dα · (x − x′) = a(x + x′)(x − x′) = a(x² − x′²).
        TestTorch.Close(a * (x * x - baseline * baseline), ig, 1e-12, "attributions");

        // Completeness on the ReLU CNN: Σ attributions = f(x) − f(0), up to the quadrature error.
        using var net = Net();
        var score = ClassScore(net, 2);
        var images = rand(2, 1, 5, 5, dtype: ScalarType.Float64);
        var attributions = Attribution.IntegratedGradients(score, images, steps: 400);
        using var _ = no_grad();
        var expected = score(images) - score(zeros_like(images));
        var total = attributions.sum(new long[] { 1, 2, 3 });
        Assert.True((total - expected).abs().max().item<double>() < 1e-3 * (1 + expected.abs().max().item<double>()),
                    $"Σ attributions {total.str()} vs f(x) − f(0) {expected.str()}");
    }

    [Fact]
    public void SmoothGrad_of_a_linear_score_is_its_weights_and_zero_noise_is_the_gradient()
    {
        var w = randn(1, 1, 4, 4, dtype: ScalarType.Float64);
        Func<Tensor, Tensor> linear = x => (w * x).sum(new long[] { 1, 2, 3 });
        var x = rand(2, 1, 4, 4, dtype: ScalarType.Float64);
        using var g = new Generator(5);
        TestTorch.Close(w.expand(2, 1, 4, 4), Attribution.SmoothGrad(linear, x, 0.2, 8, g), 1e-12, "linear");

        using var net = Net();
        var score = ClassScore(net, 0);
        var images = rand(2, 1, 5, 5, dtype: ScalarType.Float64);
        TestTorch.Close(Attribution.Gradient(score, images), Attribution.SmoothGrad(score, images, 0, 3, g), 1e-12, "no noise");
        // With noise the ReLU net's gradient changes (its units switch on and off).
        Assert.True(TestTorch.MaxAbsDiff(Attribution.Gradient(score, images), Attribution.SmoothGrad(score, images, 0.5, 16, g)) > 1e-6);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_what_is_wrong()
    {
        Func<Tensor, Tensor> f = x => x.sum(new long[] { 1, 2, 3 });
        var x = rand(2, 1, 3, 3);
        Assert.Contains("step", Assert.Throws<ArgumentException>(() => Attribution.IntegratedGradients(f, x, steps: 0)).Message);
        Assert.Contains("baseline", Assert.Throws<ArgumentException>(() => Attribution.IntegratedGradients(f, x, zeros(1, 1, 3, 3))).Message);
        using var g = new Generator(1);
        Assert.Contains("sample", Assert.Throws<ArgumentException>(() => Attribution.SmoothGrad(f, x, 0.1, 0, g)).Message);
        Assert.Contains("score", Assert.Throws<ArgumentException>(() => Attribution.Gradient(t => t.sum(), x)).Message);
        Assert.Contains("relevance", Assert.Throws<ArgumentException>(() => DeletionCurve.Measure(f, x, zeros(2, 3, 4))).Message);
    }

    [Fact]
    public void Deletion_curve_of_a_linear_score_matches_hand_values()
    {
        // One 2×2 image, score = Σ w·x with w = (4, 3, 2, 1) and x = 1: deleting by relevance w·x removes 4, then 3, …
        var w = tensor(new double[] { 4, 3, 2, 1 }).view(1, 1, 2, 2);
        Func<Tensor, Tensor> score = x => (w * x).sum(new long[] { 1, 2, 3 });
        var x = ones(1, 1, 2, 2, dtype: ScalarType.Float64);
        var best = DeletionCurve.Measure(score, x, (w * x)[.., 0], stepCount: 4);
        Assert.Equal(new[] { 0, 0.25, 0.5, 0.75, 1 }, best.Fractions);
        Assert.Equal(new double[] { 10, 6, 3, 1, 0 }, best.MeanScores);
        Assert.Equal(0.25 * (8 + 4.5 + 2 + 0.5), best.Area, 12);   // trapezoids (10+6)/2, (6+3)/2, (3+1)/2, (1+0)/2
        // The reverse order (least relevant first) deletes 1, 2, 3, 4: a larger area.
        var worst = DeletionCurve.Measure(score, x, -(w * x)[.., 0], stepCount: 4);
        Assert.Equal(new double[] { 10, 9, 7, 4, 0 }, worst.MeanScores);
        Assert.True(worst.Area > best.Area);
        // A fill value other than zero: deleted pixels become 0.5.
        var half = DeletionCurve.Measure(score, x, (w * x)[.., 0], stepCount: 1, fill: 0.5);
        Assert.Equal(new double[] { 10, 5 }, half.MeanScores);
    }
}

using Attend.Nn;

namespace Attend.Tests.Nn;

public class GumbelSoftmaxTests
{
    [Fact]
    public void Hard_samples_are_one_hot_forward_with_the_soft_gradient()
    {
        var logits = randn(6, 5).requires_grad_();
        var w = randn(6, 5);
        var hard = GumbelSoftmax.Sample(logits, tau: 0.7, hard: true, generator: new Generator(7));
        Assert.All(hard.detach().data<float>().ToArray(), v => Assert.True(v == 0f || v == 1f));
        TestTorch.Close(ones(6), hard.detach().sum(1), 0, "one 1 per row");
        (hard * w).sum().backward();
        var hardGrad = logits.grad!.clone();
        logits.grad!.zero_();
        var soft = GumbelSoftmax.Sample(logits, tau: 0.7, hard: false, generator: new Generator(7));   // same noise
        (soft * w).sum().backward();
        TestTorch.Close(logits.grad!, hardGrad, 1e-6, "straight-through gradient = soft gradient");
        TestTorch.Close(soft.argmax(1), hard.argmax(1), 0, "hard picks the soft sample's argmax");
    }

    [Fact]
    public void Category_frequencies_follow_the_softmax_of_the_logits()
    {
        // Gumbel-max: argmax(logits + g) ~ Categorical(softmax(logits)).
        var logits = tensor(new float[] { 1.0f, 0.0f, -1.0f, 0.5f });
        var samples = GumbelSoftmax.Sample(logits.expand(20000, 4), hard: true, generator: new Generator(3));
        var freq = samples.mean(new long[] { 0 });
        TestTorch.Close(logits.softmax(0), freq, 0.015, "frequencies");
    }

    [Fact]
    public void Temperature_must_be_positive()
        => Assert.Throws<ArgumentException>(() => GumbelSoftmax.Sample(zeros(2, 3), tau: 0));
}

public class KlDivergenceTests
{
    [Fact]
    public void Normal_kl_in_sigma_form_matches_closed_form_values()
    {
        // KL(N(1, 2²) ‖ N(0, 1)) = ½(4 − 1 − ln 4 + 1) = 2 − ln 2.
        var kl = KlDivergence.NormalSigma(tensor(1.0), tensor(2.0), tensor(0.0), tensor(1.0));
        Assert.Equal(2 - Math.Log(2), kl.item<double>(), 10);
        Assert.Equal(0.0, KlDivergence.NormalSigma(tensor(0.3), tensor(0.7), tensor(0.3), tensor(0.7)).item<double>(), 12);
    }

    [Fact]
    public void Log_variance_form_and_standard_normal_form_agree_with_sigma_form()
    {
        var mu = randn(50, dtype: ScalarType.Float64);
        var lv = randn(50, dtype: ScalarType.Float64);
        var muP = randn(50, dtype: ScalarType.Float64);
        var varP = rand(50, dtype: ScalarType.Float64) + 0.1;
        TestTorch.Close(KlDivergence.NormalSigma(mu, (lv / 2).exp(), muP, varP.sqrt()), KlDivergence.NormalLogVar(mu, lv, muP, varP), 1e-10);
        TestTorch.Close(KlDivergence.NormalLogVar(mu, lv, zeros_like(mu), ones_like(mu)), KlDivergence.StandardNormal(mu, lv), 1e-10);
    }

    [Fact]
    public void Normal_kl_agrees_with_monte_carlo()
    {
        double mu0 = 0.4;
        double s0 = 0.6;
        double mu1 = -0.2;
        double s1 = 1.3;
        var x = randn(400000, dtype: ScalarType.Float64, generator: new Generator(11)) * s0 + mu0;
        Tensor LogPdf(Tensor v, double m, double s) => -0.5 * ((v - m) / s).pow(2) - Math.Log(s) - 0.5 * Math.Log(2 * Math.PI);
        double mc = (LogPdf(x, mu0, s0) - LogPdf(x, mu1, s1)).mean().item<double>();
        double exact = KlDivergence.NormalSigma(tensor(mu0), tensor(s0), tensor(mu1), tensor(s1)).item<double>();
        Assert.True(Math.Abs(mc - exact) < 0.01, $"MC {mc} vs closed form {exact}");
    }

    [Fact]
    public void Bernoulli_kl_matches_closed_form_and_stays_finite_at_the_ends()
    {
        var q = tensor(new float[] { 0.3f, 0f, 1f, 0.8f });
        var p = full(4, 0.01f);
        var kl = KlDivergence.Bernoulli(q, p).data<float>().ToArray();
        double K(double qq, double pp) => (qq > 0 ? qq * Math.Log(qq / pp) : 0) + (qq < 1 ? (1 - qq) * Math.Log((1 - qq) / (1 - pp)) : 0);
        Assert.Equal(K(0.3, 0.01), kl[0], 4);
        Assert.Equal(-Math.Log(0.99), kl[1], 5);   // q = 0: only the (1−q) term
        Assert.Equal(-Math.Log(0.01), kl[2], 4);   // q = 1: only the q term
        Assert.Equal(K(0.8, 0.01), kl[3], 4);
        // Monte Carlo: E_q[log q(z) − log p(z)].
        var z = bernoulli(full(200000, 0.3, dtype: ScalarType.Float64), generator: new Generator(5));
        double mc = (z * Math.Log(0.3 / 0.01) + (1 - z) * Math.Log(0.7 / 0.99)).mean().item<double>();
        Assert.True(Math.Abs(mc - kl[0]) < 0.01, $"MC {mc} vs {kl[0]}");
    }
}

public class ChannelAttentionTests
{
    [Fact]
    public void Multiplies_each_channel_by_its_weight()
    {
        var t = ones(2, 3, 4, 4);
        var att = tensor(new float[] { 1, 2, 3, 2, 3, 4 }, new long[] { 2, 3 });
        var ta = ChannelAttention.Apply(t, att);
        TestTorch.Close(att.view(2, 3, 1, 1).expand(2, 3, 4, 4), ta, 0);
        var e = Assert.Throws<ArgumentException>(() => ChannelAttention.Apply(t, ones(2, 4)));
        Assert.Contains("channel weights", e.Message);
    }
}

public class UnfoldConvolutionTests
{
    [Fact]
    public void Equals_conv2d_in_values_and_gradients()
    {
        manual_seed(21);
        foreach (long padding in new long[] { 0, 2 })
        {
            var x = randn(3, 8, 9, 7, dtype: ScalarType.Float64).requires_grad_();
            var w = randn(10, 8, 5, 3, dtype: ScalarType.Float64).requires_grad_();
            var b = randn(10, dtype: ScalarType.Float64).requires_grad_();
            var pad = new long[] { padding, padding };
            var expected = nn.functional.conv2d(x, w, b, padding: pad);
            var actual = UnfoldConvolution.Apply(x, w, b, padding);
            TestTorch.Close(expected, actual, 1e-12, $"padding {padding}: values");
            var weights = randn_like(expected);
            var expectedGrads = torch.autograd.grad(new[] { (expected * weights).sum() }, new[] { x, w, b });
            var actualGrads = torch.autograd.grad(new[] { (actual * weights).sum() }, new[] { x, w, b });
            for (int i = 0; i < 3; i++) TestTorch.Close(expectedGrads[i], actualGrads[i], 1e-12, $"padding {padding}: gradient {i}");
            TestTorch.Close(nn.functional.conv2d(x, w, padding: pad), UnfoldConvolution.Apply(x, w, null, padding), 1e-12, "no bias");
        }
        TestTorch.GradCheck(x => UnfoldConvolution.Apply(x, ones(2, 2, 3, 3, dtype: ScalarType.Float64), null, 1), randn(1, 2, 4, 4));
        Assert.Throws<ArgumentException>(() => UnfoldConvolution.Apply(rand(1, 3, 8, 8), rand(4, 2, 3, 3), null));
        Assert.Throws<ArgumentException>(() => UnfoldConvolution.Apply(rand(1, 2, 2, 2), rand(4, 2, 3, 3), null));
    }
}

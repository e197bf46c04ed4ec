// NVIL's normalisation of z_pres's learning signal: the running statistics against hand-computed
// values, the floor of the scale, the mask, no gradient, and the statistics travelling with a checkpoint.
using Attend.Air;

namespace Attend.Tests.Air;

public class LearningSignalTests
{
    static Tensor Signal() => tensor(new float[] { 1, 2, 0, 3, 4, 5 }).reshape(2, 3);
    static Tensor Mask() => tensor(new float[] { 1, 1, 0, 1, 1, 1 }).reshape(2, 3);

    static void Close(IEnumerable<double> expected, IEnumerable<double> actual, double tolerance)
    {
        var (e, a) = (expected.ToArray(), actual.ToArray());
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"[{i}]: expected {e[i]}, got {a[i]}");
    }

    [Fact]
    public void Running_mean_and_variance_follow_the_masked_batches()
    {
        using var n = new LearningSignalNormaliser(0.8);
        n.train();
        var out1 = n.Normalise(Signal(), Mask());
        // Masked values 1, 2, 3, 4, 5: mean 3, variance (4 + 1 + 0 + 1 + 4) / 5 = 2.
        Assert.Equal(0.8 * 0 + 0.2 * 3, n.Mean, 5);
        Assert.Equal(0.8 * 1 + 0.2 * 2, n.Variance, 5);
        double scale = Math.Sqrt(1.2);
        var expected = new[] { (1 - 0.6) / scale, (2 - 0.6) / scale, 0, (3 - 0.6) / scale, (4 - 0.6) / scale, (5 - 0.6) / scale };
        Close(expected, out1.reshape(-1).data<float>().Select(v => (double)v), 1e-5);

        // A second batch (every entry valid: 10, 10, 10, 10, 10, 16: mean 11, variance 5).
        n.Normalise(tensor(new float[] { 10, 10, 10, 10, 10, 16 }).reshape(2, 3), ones(2, 3));
        Assert.Equal(0.8 * 0.6 + 0.2 * 11, n.Mean, 5);
        Assert.Equal(0.8 * 1.2 + 0.2 * 5, n.Variance, 5);
    }

    [Fact]
    public void Evaluation_leaves_the_statistics_and_small_variances_do_not_scale_up()
    {
        using var n = new LearningSignalNormaliser(0.5);
        n.eval();
        var s = tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f }).reshape(2, 3);
        var o = n.Normalise(s, ones(2, 3));
        Assert.Equal(0, n.Mean);
        Assert.Equal(1, n.Variance);
        Assert.Equal(s.data<float>().ToArray(), o.data<float>().ToArray());   // c = 0, max(1, √1) = 1

        n.train();
        n.Normalise(s, ones(2, 3));                       // variance 0.5·1 + 0.5·0.029 < 1: the divisor stays 1
        Assert.True(n.Variance < 1);
        var again = n.Normalise(s, ones(2, 3));
        double c = n.Mean;
        Close(s.data<float>().Select(v => v - c), again.data<float>().Select(v => (double)v), 1e-6);
    }

    [Fact]
    public void The_normalised_signal_carries_no_gradient()
    {
        using var n = new LearningSignalNormaliser(0.8);
        var s = Signal().requires_grad_();
        var o = n.Normalise(s, Mask());
        Assert.False(o.requires_grad);
        Assert.Equal(0, o[0, 2].item<float>());
    }

    [Fact]
    public void Statistics_travel_with_the_state_dict()
    {
        using var a = new LearningSignalNormaliser(0.8);
        a.Normalise(Signal(), Mask());
        using var b = new LearningSignalNormaliser(0.8);
        b.load_state_dict(a.state_dict());
        Assert.Equal(a.Mean, b.Mean);
        Assert.Equal(a.Variance, b.Variance);
        Assert.Contains("mean", a.state_dict().Keys);
    }

    [Fact]
    public void The_model_owns_one_only_when_the_config_asks()
    {
        using var plain = new AirModel();
        Assert.Null(plain.SignalNormaliser);
        using var nvil = new AirModel(new AirConfig { SignalNormalisationDecay = 0.8 });
        Assert.NotNull(nvil.SignalNormaliser);
        Assert.Contains("signal.variance", nvil.state_dict().Keys);
        Assert.Throws<ArgumentException>(() => new AirModel(new AirConfig { SignalNormalisationDecay = 1 }));
    }

    [Fact]
    public void Reinforce_uses_the_normalised_signal()
    {
        manual_seed(3);
        using var model = new AirModel(new AirConfig { SignalNormalisationDecay = 0.8 });
        var x = rand(new long[] { 4, 1, 50, 50 }, generator: new Generator(4));
        using var r = model.call(x, new Generator(5));
        using var plain = AirLoss.Compute(x, r, model.Config);
        var nll = (0.5 / model.Config.FixedVariance * (x - r.Reconstruction).pow(2).sum(new long[] { 1, 2, 3 })).unsqueeze(1);
        using var check = new LearningSignalNormaliser(0.8);
        var expectedSignal = check.Normalise((nll - r.Baseline).detach(), r.MaskDelay);
        using var normalised = AirLoss.Compute(x, r, model.Config, model.SignalNormaliser);
        double expected = (expectedSignal * r.PresLogLikelihood * r.MaskDelay).sum(1).mean().item<float>();
        Assert.Equal(expected, normalised.Reinforce.item<float>(), 4);
        Assert.NotEqual(plain.Reinforce.item<float>(), normalised.Reinforce.item<float>());
        Assert.Equal(check.Mean, model.SignalNormaliser!.Mean, 5);
    }
}

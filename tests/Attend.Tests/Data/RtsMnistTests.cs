using Attend.Data;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Tests.Data;

public class RtsMnistTests
{
    [Fact]
    public void No_distortion_is_exact_zero_padding_to_the_canvas()
    {
        var digits = rand(3, 1, 28, 28);
        using var none = new RtsDistortion(zeros(3, dtype: float64), ones(3, dtype: float64), zeros(3, 2, dtype: float64));
        var canvas = RtsMnist.Apply(digits, none);
        TestTorch.Close(F.pad(digits, new long[] { 7, 7, 7, 7 }), canvas, 1e-5, "identity RTS");
    }

    [Fact]
    public void A_quarter_turn_rotates_the_digit_and_a_translation_moves_it()
    {
        var digit = zeros(1, 1, 28, 28);
        digit[0, 0, 2, 14] = tensor(1f);    // a dot above the centre
        using var turn = new RtsDistortion(tensor(new[] { Math.PI / 2 }), tensor(new[] { 1.0 }), zeros(1, 2, dtype: float64));
        var rotated = RtsMnist.Apply(digit, turn);
        var (y, x) = ArgMax2d(rotated);
        // A positive angle turns image axes x → y: the dot above the centre ends up to one side of it.
        Assert.Equal(21, y, 1);
        Assert.True(Math.Abs(x - 21) >= 10, $"dot at x {x}");
        using var shift = new RtsDistortion(tensor(new[] { 0.0 }), tensor(new[] { 1.0 }), tensor(new[,] { { 4.0 / 21, 0.0 } }));
        var (_, xs) = ArgMax2d(RtsMnist.Apply(digit, shift));
        Assert.Equal(14 + 7 + 4, xs, 1);    // centred at 21, moved by 4/21 of the 21-pixel half-canvas
    }

    static (double Y, double X) ArgMax2d(Tensor img)
    {
        long i = img.flatten().argmax().item<long>();
        return (i / img.shape[3], i % img.shape[3]);
    }

    [Fact]
    public void Distortions_stay_in_the_papers_ranges_and_the_same_seed_repeats()
    {
        using var a = RtsMnist.Sample(2000, seed: 7);
        using var b = RtsMnist.Sample(2000, seed: 7);
        using var c = RtsMnist.Sample(2000, seed: 8);
        Assert.True(a.Angle.abs().max().item<double>() <= Math.PI / 4 + 1e-12);
        Assert.True(a.Angle.abs().max().item<double>() > Math.PI / 4 * 0.95, "angles cover the range");
        Assert.InRange(a.Scale.min().item<double>(), 0.7, 0.72);
        Assert.InRange(a.Scale.max().item<double>(), 1.18, 1.2);
        // The scaled digit's square stays on the canvas: |t| + s·28/42 ≤ 1.
        Assert.True((a.Translation.abs() + a.Scale.unsqueeze(1) * (28.0 / 42)).max().item<double>() <= 1 + 1e-12);
        Assert.True(a.Angle.eq(b.Angle).all().item<bool>() && a.Translation.eq(b.Translation).all().item<bool>());
        Assert.False(a.Angle.eq(c.Angle).all().item<bool>());
    }

    [Fact]
    public void Build_keeps_labels_and_ink_and_rejects_bad_shapes()
    {
        var digits = new ImageSet(rand(16, 1, 28, 28).mul(0.5), arange(16).remainder(10), "random");
        using var rts = RtsMnist.Build(digits, seed: 1);
        Assert.Equal(new long[] { 16, 1, 42, 42 }, rts.Images.shape);
        Assert.True(rts.Labels.eq(digits.Labels).all().item<bool>());
        Assert.Contains("seed 1", rts.Description);
        // Ink scales with the area (scale²), within the sampled scale range.
        var ratio = rts.Images.sum(new long[] { 1, 2, 3 }) / digits.Images.sum(new long[] { 1, 2, 3 });
        Assert.True(ratio.min().item<float>() > 0.7 * 0.7 * 0.8 && ratio.max().item<float>() < 1.2 * 1.2 * 1.1);
        using var d = RtsMnist.Sample(2, 0);
        Assert.Throws<ArgumentException>(() => RtsMnist.Apply(rand(3, 28, 28), d));
    }
}

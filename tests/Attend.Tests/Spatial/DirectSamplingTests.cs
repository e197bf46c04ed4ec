// Direct sampling against affine_grid + grid_sample: values, gradients to the source and to z_where (float64 and
// float32), finite differences, windows partly or wholly outside, and the inputs it refuses.
using Attend.Spatial;

namespace Attend.Tests.Spatial;

public class DirectSamplingTests
{
    /// <summary>z_where per item [4, 3]: a window inside, one crossing the border, one larger than the source, a mirrored one.</summary>
    static Tensor Where(ScalarType dtype) => tensor(new double[]
    {
        2.2, 0.3, -0.4,
        3.0, -0.9, 0.8,
        0.7, 0.2, 0.1,
        -1.6, 0.1, -0.2,
    }, new long[] { 4, 3 }).to_type(dtype);

    [Theory]
    [InlineData(false, false, 9, 7)]
    [InlineData(false, true, 9, 7)]
    [InlineData(true, false, 24, 24)]
    [InlineData(true, true, 1, 5)]
    public void It_equals_grid_sample_in_values_and_gradients(bool inverse, bool alignCorners, int outH, int outW)
    {
        var source = rand(4, 2, 11, 13, dtype: ScalarType.Float64).requires_grad_();
        var zWhere = Where(ScalarType.Float64).requires_grad_();
        var expected = Reference(source, zWhere, outH, outW, alignCorners, inverse);
        var w = rand_like(expected);
        var (dSourceExpected, dWhereExpected) = Gradients(expected, w, source, zWhere);

        var source2 = source.detach().clone().requires_grad_();
        var zWhere2 = zWhere.detach().clone().requires_grad_();
        var actual = DirectSampling.Sample(source2, zWhere2, outH, outW, alignCorners, inverse);
        TestTorch.Close(expected, actual, 1e-12, "values");
        var (dSource, dWhere) = Gradients(actual, w, source2, zWhere2);
        TestTorch.Close(dSourceExpected, dSource, 1e-12, "d/d source");
        TestTorch.Close(dWhereExpected, dWhere, 1e-10, "d/d z_where");
        Assert.True(dWhere.abs().sum().item<double>() > 0, "z_where gets no gradient");
    }

    [Fact]
    public void Float32_crop_and_paste_match_grid_sample_to_1e_5()
    {
        manual_seed(5);
        var images = rand(64, 1, 50, 50);
        var zWhere = cat(new[] { rand(64, 1) * 2 + 1.5, rand(64, 2) * 2 - 1 }, 1);
        foreach (var (inverse, source, size) in new[] { (true, images, 24), (false, rand(64, 1, 24, 24), 50) })
        {
            var s1 = source.clone().requires_grad_();
            var z1 = zWhere.clone().requires_grad_();
            var expected = Reference(s1, z1, size, size, false, inverse);
            var w = randn_like(expected);
            var (dSourceExpected, dWhereExpected) = Gradients(expected, w, s1, z1);
            var s2 = source.clone().requires_grad_();
            var z2 = zWhere.clone().requires_grad_();
            var actual = DirectSampling.Sample(s2, z2, size, size, false, inverse);
            var (dSource, dWhere) = Gradients(actual, w, s2, z2);
            string form = inverse ? "crop" : "paste";
            TestTorch.Close(expected, actual, 1e-5, $"{form} values");
            // Each gradient sums many float32 products: compare relative to its scale.
            CloseRelative(dSourceExpected, dSource, $"{form} d/d source");
            CloseRelative(dWhereExpected, dWhere, $"{form} d/d z_where");
        }
    }

    [Fact]
    public void It_has_finite_difference_gradients()
    {
        var source = rand(2, 1, 6, 6, dtype: ScalarType.Float64);
        // Bilinear sampling has kinks where a sample crosses a pixel; these z_where keep every sample off them.
        var z0 = tensor(new double[] { 1.55, 0.13, -0.21, 0.93, -0.31, 0.27 }, new long[] { 2, 3 });
        TestTorch.GradCheck(z => DirectSampling.Sample(source, z, 5, 4, false, inverse: false), z0);
        TestTorch.GradCheck(z => DirectSampling.Sample(source, z, 5, 4, false, inverse: true), z0);
        TestTorch.GradCheck(s => DirectSampling.Sample(s, z0, 5, 4, true, inverse: true), source);
    }

    [Fact]
    public void Paste_and_sum_equals_the_weighted_sum_of_pastes_with_its_gradients()
    {
        // 3 steps of 2 images; weights 0/1 as z_pres, and one fractional weight to check the weights' gradient too. No
        // sample lies exactly on a pixel (a kink, where grid_sample's rounding of its grid decides the side).
        var windows = rand(new long[] { 3, 2, 1, 7, 7 }, dtype: ScalarType.Float64).requires_grad_();
        var zWhere = tensor(new double[] { 2.2, 0.3, -0.4, 1.55, -0.9, 0.8, 2.7, 0.2, 0.1, 1.9, 0.13, -0.21, 3.1, 0.07, -0.03, 2.4, -0.3, 0.6 },
                            new long[] { 3, 2, 3 }).requires_grad_();
        var presence = tensor(new double[] { 1, 1, 0, 1, 1, 0.4 }, new long[] { 3, 2 }).requires_grad_();
        var canvas = DirectSampling.PasteAndSum(windows, zWhere, presence, 12, 11);
        var pasted = Reference(windows.reshape(6, 1, 7, 7), zWhere.reshape(6, 3), 12, 11, false, inverse: false).view(3, 2, 1, 12, 11);
        var expected = (presence.view(3, 2, 1, 1, 1) * pasted).sum(0, keepdim: false);
        TestTorch.Close(expected, canvas, 1e-12, "canvas");
        var w = rand_like(expected);
        var e = autograd.grad(new[] { (expected * w).sum() }, new[] { windows, zWhere, presence });
        var a = autograd.grad(new[] { (canvas * w).sum() }, new[] { windows, zWhere, presence });
        string[] names = { "windows", "z_where", "presence" };
        for (int i = 0; i < 3; i++) TestTorch.Close(e[i], a[i], 1e-10, $"d/d {names[i]}");
        Assert.Equal(0, a[1][1, 0].abs().sum().item<double>());   // an absent window moves nothing
        var bad = Assert.Throws<ArgumentException>(() => DirectSampling.PasteAndSum(windows, zWhere, ones(3, 2), 12, 11));
        Assert.Contains("presence", bad.Message);
    }

    [Fact]
    public void Whole_number_coordinates_match_grid_sample()
    {
        // z_where = (1, 0, 0) at equal sizes with align_corners puts every sample on a pixel centre, where the weights'
        // gradient takes grid_sample's one-sided form; the second item lies wholly outside.
        var source = rand(2, 1, 5, 5, dtype: ScalarType.Float64).requires_grad_();
        var zWhere = tensor(new double[] { 1, 0, 0, 0.5, 4, -5 }, new long[] { 2, 3 }).requires_grad_();
        var expected = Reference(source, zWhere, 5, 5, true, inverse: false);
        var w = rand_like(expected);
        var (dSourceExpected, dWhereExpected) = Gradients(expected, w, source, zWhere);
        var source2 = source.detach().clone().requires_grad_();
        var zWhere2 = zWhere.detach().clone().requires_grad_();
        var actual = DirectSampling.Sample(source2, zWhere2, 5, 5, true, inverse: false);
        TestTorch.Close(expected, actual, 1e-12, "values");
        var (dSource, dWhere) = Gradients(actual, w, source2, zWhere2);
        TestTorch.Close(dSourceExpected, dSource, 1e-12, "d/d source");
        TestTorch.Close(dWhereExpected, dWhere, 1e-10, "d/d z_where");
        Assert.True(dWhere[0].abs().sum().item<double>() > 0, "the identity's z_where gradient is zero");
    }

    [Fact]
    public void A_window_wholly_outside_gives_zeros_and_no_gradient()
    {
        var source = rand(1, 1, 5, 5, dtype: ScalarType.Float64).requires_grad_();
        var zWhere = tensor(new double[] { 0.5, 4, -5 }, new long[] { 1, 3 }).requires_grad_();
        var output = DirectSampling.Sample(source, zWhere, 6, 6, false, inverse: false);
        Assert.Equal(0, output.abs().sum().item<double>());
        output.sum().backward();
        Assert.Equal(0, zWhere.grad!.abs().sum().item<double>());
        Assert.Equal(0, source.grad!.abs().sum().item<double>());
    }

    [Fact]
    public void ZWhere_sends_each_form_to_the_same_function_and_falls_back_for_other_dtypes()
    {
        var images = rand(3, 1, 20, 20);
        var zWhere = tensor(new float[] { 2.5f, 0.2f, -0.1f, 1.9f, -0.6f, 0.5f, 3.1f, 0f, 0f }, new long[] { 3, 3 });
        var direct = ZWhere.ImageToWindow(images, zWhere, 8, WhereSampling.Direct);
        TestTorch.Close(ZWhere.ImageToWindow(images, zWhere, 8, WhereSampling.GridSample), direct, 1e-5, "crop");
        TestTorch.Close(ZWhere.ImageToWindow(images, zWhere, 8, WhereSampling.Separable), direct, 1e-5, "crop");
        var pasted = ZWhere.WindowToImage(direct, zWhere, 20, WhereSampling.Direct);
        TestTorch.Close(ZWhere.WindowToImage(direct, zWhere, 20, WhereSampling.GridSample), pasted, 1e-5, "paste");
        // Half precision is not a dtype direct sampling takes: the separable form computes it.
        var half = ZWhere.WindowToImage(direct.to_type(ScalarType.BFloat16), zWhere.to_type(ScalarType.BFloat16), 20, WhereSampling.Direct);
        Assert.Equal(ScalarType.BFloat16, half.dtype);
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_what_is_wrong()
    {
        var source = rand(2, 1, 5, 5);
        Assert.Contains("z_where", Assert.Throws<ArgumentException>(() => DirectSampling.Sample(source, zeros(3, 3), 4, 4, false, false)).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => DirectSampling.Sample(source, ones(2, 3), 0, 4, false, false)).Message);
        var mixed = Assert.Throws<ArgumentException>(() => DirectSampling.Sample(source, ones(2, 3, dtype: ScalarType.Float64), 4, 4, false, false));
        Assert.Contains("one dtype", mixed.Message);
    }

    static void CloseRelative(Tensor expected, Tensor actual, string what)
    {
        double scale = expected.abs().max().item<float>();
        Assert.True(scale > 0, $"{what} is zero");
        TestTorch.Close(expected, actual, 1e-5 * scale, $"{what} (scale {scale:F2})");
    }

    static Tensor Reference(Tensor source, Tensor zWhere, int outH, int outW, bool alignCorners, bool inverse)
    {
        var where = inverse ? ZWhere.Invert(zWhere) : zWhere;
        return Glimpse.Sample(source, ZWhere.ToTheta(where), outH, outW, alignCorners);
    }

    static (Tensor, Tensor) Gradients(Tensor output, Tensor w, Tensor source, Tensor zWhere)
    {
        var g = autograd.grad(new[] { (output * w).sum() }, new[] { source, zWhere });
        return (g[0], g[1]);
    }
}

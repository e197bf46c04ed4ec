using Attend.Spatial;

namespace Attend.Tests.Spatial;

public class SeparableSamplingTests
{
    /// <summary>Scale-and-shift θ per item [B, 2, 3]: some windows inside, some crossing the border.</summary>
    static Tensor Theta(ScalarType dtype) => tensor(new double[]
    {
        0.45, 0, 0.1, 0, 0.45, -0.2,     // a small window inside
        1.7, 0, 0.6, 0, 1.3, -0.9,       // larger than the source and off-centre: zero padding
        -0.8, 0, 0, 0, 0.6, 0.3,         // a mirrored x axis
    }, new long[] { 3, 2, 3 }).to_type(dtype);

    [Theory]
    [InlineData(false, 9, 7)]
    [InlineData(true, 9, 7)]
    [InlineData(false, 24, 24)]
    [InlineData(true, 1, 5)]
    public void It_equals_affine_grid_and_grid_sample_in_values_and_gradients(bool alignCorners, int outH, int outW)
    {
        var source = rand(3, 2, 11, 13, dtype: ScalarType.Float64).requires_grad_();
        var theta = Theta(ScalarType.Float64).requires_grad_();
        var expected = Glimpse.Sample(source, theta, outH, outW, alignCorners);
        var w = rand_like(expected);
        var (dSourceExpected, dThetaExpected) = Gradients(expected, w, source, theta);

        var source2 = source.detach().clone().requires_grad_();
        var theta2 = theta.detach().clone().requires_grad_();
        var actual = SeparableSampling.Sample(source2, theta2, outH, outW, alignCorners);
        TestTorch.Close(expected, actual, 1e-12, "values");
        var (dSource, dTheta) = Gradients(actual, w, source2, theta2);
        TestTorch.Close(dSourceExpected, dSource, 1e-12, "d/d source");
        // θ's rotation/shear entries are not parameters of the separable form; compare the others.
        var used = tensor(new double[] { 1, 0, 1, 0, 1, 1 }).view(1, 2, 3);
        TestTorch.Close(dThetaExpected * used, dTheta * used, 1e-10, "d/d θ");
    }

    [Fact]
    public void Whole_number_coordinates_and_windows_outside_the_source_match_grid_sample()
    {
        // θ = identity at equal sizes with align_corners puts every sample on a pixel centre (p a whole number,
        // where the weights' gradient takes grid_sample's one-sided form); the second item lies wholly outside.
        var theta = tensor(new double[] { 1, 0, 0, 0, 1, 0, 0.5, 0, 4, 0, 0.5, -5 }, new long[] { 2, 2, 3 }).requires_grad_();
        var source = rand(2, 1, 5, 5, dtype: ScalarType.Float64).requires_grad_();
        var expected = Glimpse.Sample(source, theta, 5, 5, true);
        var w = rand_like(expected);
        var (dSourceExpected, dThetaExpected) = Gradients(expected, w, source, theta);
        var theta2 = theta.detach().clone().requires_grad_();
        var source2 = source.detach().clone().requires_grad_();
        var actual = SeparableSampling.Sample(source2, theta2, 5, 5, true);
        TestTorch.Close(expected, actual, 1e-12, "values");
        Assert.Equal(0, actual[1].abs().sum().item<double>());
        var (dSource, dTheta) = Gradients(actual, w, source2, theta2);
        TestTorch.Close(dSourceExpected, dSource, 1e-12, "d/d source");
        var used = tensor(new double[] { 1, 0, 1, 0, 1, 1 }).view(1, 2, 3);
        TestTorch.Close(dThetaExpected * used, dTheta * used, 1e-10, "d/d θ");
        Assert.True((dThetaExpected[0] * used[0]).abs().sum().item<double>() > 0, "the identity's θ gradient is not zero");
    }

    static (Tensor, Tensor) Gradients(Tensor output, Tensor w, Tensor source, Tensor theta)
    {
        var g = autograd.grad(new[] { (output * w).sum() }, new[] { source, theta });
        return (g[0], g[1]);
    }

    [Fact]
    public void It_has_finite_difference_gradients_and_float32_matches_grid_sample()
    {
        var source = rand(1, 1, 6, 6, dtype: ScalarType.Float64);
        var theta0 = tensor(new double[] { 0.6, 0, 0.1, 0, 0.5, -0.2 }, new long[] { 1, 2, 3 });
        TestTorch.GradCheck(s => SeparableSampling.Sample(s, theta0, 4, 4, false), source);
        var parts = tensor(new double[] { 0.6, 0.5, 0.1, -0.2 }).view(4, 1);
        TestTorch.GradCheck(p => SeparableSampling.Sample(source, p[0], p[1], p[2], p[3], 4, 5, false), parts);
        var source32 = rand(4, 1, 50, 50);
        var z = tensor(new float[] { 2.2f, 0.3f, -0.4f, 3f, -0.9f, 0.8f, 1.1f, 0f, 0f, 5f, 1.2f, 1.2f }, new long[] { 4, 3 });
        var theta = ZWhere.ToTheta(ZWhere.Invert(z));
        TestTorch.Close(Glimpse.Sample(source32, theta, 24, 24, false), SeparableSampling.Sample(source32, theta, 24, 24, false), 1e-5, "float32");
    }

    [Fact]
    public void Rotation_bad_shapes_and_empty_outputs_are_rejected()
    {
        var source = rand(2, 1, 5, 5);
        var rotated = tensor(new float[] { 1, 0.1f, 0, 0, 1, 0 }, new long[] { 1, 2, 3 }).expand(2, 2, 3);
        Assert.Contains("without rotation", Assert.Throws<ArgumentException>(() => SeparableSampling.Sample(source, rotated, 3, 3, false)).Message);
        Assert.Contains("theta", Assert.Throws<ArgumentException>(() => SeparableSampling.Sample(source, zeros(3, 2, 3), 3, 3, false)).Message);
        var one = ones(2);
        var empty = Assert.Throws<ArgumentException>(() => SeparableSampling.Sample(source, one, one, one, one, 0, 3, false));
        Assert.Contains("positive", empty.Message);
    }
}

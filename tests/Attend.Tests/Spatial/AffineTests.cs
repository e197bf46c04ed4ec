using Attend.Spatial;

namespace Attend.Tests.Spatial;

public class AffineTests
{
    [Fact]
    public void Position_maps_to_the_seed_affine()
    {
        var theta = Affine.FromPosition(tensor(new float[] { 0.1f, -0.2f, 0.3f, 0.4f }, new long[] { 1, 4 }));
        Assert.Equal(new float[] { 0.3f, 0, 0.1f, 0, 0.4f, -0.2f }, theta.data<float>().ToArray());
    }

    [Fact]
    public void ZWhere_maps_to_scale_translation_theta_and_back()
    {
        var z = tensor(new float[] { 3, 0.5f, -0.25f, 2, 0, 0 }, new long[] { 2, 3 });
        var theta = ZWhere.ToTheta(z);
        Assert.Equal(new float[] { 3, 0, 0.5f, 0, 3, -0.25f }, theta[0].flatten().data<float>().ToArray());
        TestTorch.Close(z, ZWhere.FromTheta(theta), 0);
    }

    [Fact]
    public void ZWhere_composed_with_its_inverse_is_identity()
    {
        var z = cat(new[] { rand(16, 1) * 3 + 0.5, rand(16, 2) * 2 - 1 }, 1);
        var product = matmul(Homogeneous(ZWhere.ToTheta(z)), Homogeneous(ZWhere.ToTheta(ZWhere.Invert(z))));
        TestTorch.Close(eye(3).expand(16, 3, 3), product, 1e-5, "θ(z)·θ(z⁻¹)");
        TestTorch.Close(z, ZWhere.Invert(ZWhere.Invert(z)), 1e-5, "inverse of inverse");
    }

    [Fact]
    public void General_inverse_agrees_with_zwhere_inverse_and_undoes_points()
    {
        var z = cat(new[] { rand(8, 1) + 0.5, rand(8, 2) - 0.5 }, 1);
        TestTorch.Close(ZWhere.ToTheta(ZWhere.Invert(z)), Affine.Invert(ZWhere.ToTheta(z)), 1e-5);
        var theta = randn(8, 2, 3);
        var pts = randn(8, 5, 2);
        TestTorch.Close(pts, Affine.Apply(Affine.Invert(theta), Affine.Apply(theta, pts)), 1e-3, "θ⁻¹(θ(p))");
    }

    [Fact]
    public void Singular_and_misshapen_thetas_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Affine.Invert(zeros(1, 2, 3)));
        var e = Assert.Throws<ArgumentException>(() => ZWhere.ToTheta(zeros(4, 4)));
        Assert.Contains("z_where", e.Message);
    }

    static Tensor Homogeneous(Tensor theta)
        => cat(new[] { theta, tensor(new float[] { 0, 0, 1 }).expand(theta.shape[0], 1, 3) }, 1);
}

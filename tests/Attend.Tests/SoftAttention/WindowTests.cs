using Attend.SoftAttention;
using Attend.Spatial;

namespace Attend.Tests.SoftAttention;

public class WindowTests
{
    [Theory]
    [InlineData(WindowShape.Gaussian)]
    [InlineData(WindowShape.Bump)]
    [InlineData(WindowShape.Box)]
    public void Every_window_has_the_spread_as_its_standard_deviation(WindowShape shape)
    {
        var d = linspace(-8, 8, 160_001, dtype: ScalarType.Float64);
        var p = WindowFunctions.Profile(shape, d);
        double deviation = Math.Sqrt(((p * d * d).sum() / p.sum()).item<double>());
        Assert.Equal(1.0, deviation, 3);
        Assert.Equal(1.0, WindowFunctions.Profile(shape, zeros(1, dtype: ScalarType.Float64)).item<double>(), 12);
    }

    [Fact]
    public void The_bump_has_compact_support_and_the_box_no_gradient()
    {
        var outside = tensor(new double[] { WindowFunctions.BumpRadius * 1.001, -WindowFunctions.BumpRadius * 3 }).requires_grad_();
        var bump = WindowFunctions.Profile(WindowShape.Bump, outside);
        Assert.Equal(0.0, bump.abs().max().item<double>());
        bump.sum().backward();
        Assert.Equal(0.0, outside.grad!.abs().max().item<double>());   // finite (no NaN) and zero
        Assert.True(WindowFunctions.Profile(WindowShape.Bump, tensor(new[] { WindowFunctions.BumpRadius * 0.9 })).item<double>() > 0);
        // The box's map does not depend on its centre through autograd: a hard window.
        var centre = tensor(new double[] { 0.1, -0.2 }).view(1, 2).requires_grad_();
        var map = WindowFunctions.Map(WindowShape.Box, centre, tensor(new[] { 0.3 }), 8, 8);
        Assert.False(map.requires_grad);
    }

    [Theory]
    [InlineData(WindowShape.Gaussian)]
    [InlineData(WindowShape.Bump)]
    public void Smooth_window_maps_have_the_gradient_of_finite_differences(WindowShape shape)
    {
        var spread = tensor(new double[] { 0.4, 0.25 });
        TestTorch.GradCheck(c => WindowFunctions.Normalise(WindowFunctions.Map(shape, c.view(2, 2), spread, 6, 5)),
                            tensor(new double[] { 0.1, -0.2, -0.3, 0.25 }));
        var centre = tensor(new double[] { 0.1, -0.2, -0.3, 0.25 }).view(2, 2);
        TestTorch.GradCheck(s => WindowFunctions.Normalise(WindowFunctions.Map(shape, centre, s, 6, 5)), spread);
    }

    [Fact]
    public void A_map_is_the_product_of_the_profiles_at_cell_centres_and_normalises_to_one()
    {
        var centre = tensor(new double[] { 0.25, -0.5 }).view(1, 2);
        var spread = tensor(new double[] { 0.5 });
        var map = WindowFunctions.Map(WindowShape.Gaussian, centre, spread, 4, 4);
        // Cell centres of 4 cells: −0.75, −0.25, 0.25, 0.75. Row 1 (y = −0.25), column 3 (x = 0.75):
        double expected = Math.Exp(-Math.Pow((0.75 - 0.25) / 0.5, 2) / 2) * Math.Exp(-Math.Pow((-0.25 + 0.5) / 0.5, 2) / 2);
        Assert.Equal(expected, map[0, 1, 3].item<double>(), 12);
        var weights = WindowFunctions.Normalise(map);
        Assert.Equal(1.0, weights.sum().item<double>(), 12);
        // A box that misses every cell becomes uniform attention.
        var far = tensor(new double[] { 5, 5 }).view(1, 2);
        var missed = WindowFunctions.Normalise(WindowFunctions.Map(WindowShape.Box, far, tensor(new[] { 0.1 }), 4, 4));
        TestTorch.Close(full(1, 4, 4, 1.0 / 16, dtype: ScalarType.Float64), missed, 1e-15, "uniform");
    }

    [Fact]
    public void Pooling_is_the_weighted_mean_and_mass_in_boxes_counts_the_weight_inside()
    {
        var features = arange(2 * 3 * 2 * 2, dtype: ScalarType.Float64).view(2, 3, 2, 2);
        var weights = tensor(new double[] { 1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25 }).view(2, 2, 2);
        var pooled = AttentionPooling.Pool(features, weights);
        TestTorch.Close(tensor(new double[] { 0, 4, 8, 13.5, 17.5, 21.5 }).view(2, 3), pooled, 1e-12, "pooled");
        // A 2×2 grid on a 10-pixel canvas: cell centres at pixels 2.5 and 7.5. Image 0's box [0, 5]² holds the
        // top-left centre; image 1's box [5, 10] × [0, 10] holds the right column.
        var points = PixelCentres.Grid(2, 2, ScalarType.Float64).unsqueeze(0);
        var boxes = tensor(new double[] { 0, 0, 5, 5, 5, 0, 10, 10 }).view(2, 4);
        var mass = AttentionPooling.MassInBoxes(points, weights.view(2, 1, 4), boxes, 10);
        TestTorch.Close(tensor(new double[] { 1, 0.5 }).view(2, 1), mass, 1e-12, "mass");
        Assert.Contains("points", Assert.Throws<ArgumentException>(() =>
            AttentionPooling.MassInBoxes(zeros(3, 4, 2), weights.view(2, 1, 4), boxes, 10)).Message);
    }
}

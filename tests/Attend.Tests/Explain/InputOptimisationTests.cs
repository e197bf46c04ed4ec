using Attend.Explain;
using Attend.Plotting;

namespace Attend.Tests.Explain;

public class InputOptimisationTests
{
    [Fact]
    public void Margin_is_the_own_logit_minus_the_best_other()
    {
        var logits = tensor(new double[] { 3, 1, 2, 0, 5, -1 }).view(2, 3);
        var margin = InputOptimisation.Margin(logits, tensor(new long[] { 0, 0 }));
        Assert.Equal(new[] { 1.0, -5.0 }, margin.data<double>().ToArray());   // 3 − 2; 0 − 5
        Assert.Contains("labels", Assert.Throws<ArgumentException>(() => InputOptimisation.Margin(logits, tensor(new long[] { 0 }))).Message);
    }

    [Fact]
    public void Maximising_a_linear_score_drives_each_pixel_to_the_bound_its_weight_points_to()
    {
        var w = tensor(new double[] { 1, -2, 0.5, -0.1, 3, -1 }).view(1, 1, 2, 3);
        Func<Tensor, Tensor> score = x => (w * x).sum(new long[] { 1, 2, 3 });
        var start = full(2, 1, 2, 3, 0.5, dtype: ScalarType.Float64);
        var result = InputOptimisation.Maximise(score, start, steps: 300, learningRate: 0.05, l2Weight: 0);
        TestTorch.Close(w.gt(0).to_type(ScalarType.Float64).expand(2, 1, 2, 3), result.Images, 1e-9, "pixels at their bounds");
        Assert.All(result.Scores, s => Assert.Equal(4.5, s, 9));   // the sum of the positive weights
        // A large L2 penalty keeps the pixels small: with weight λ per pixel the optimum of w·x − λ·x²/6 is x = 3w/λ.
        var penalised = InputOptimisation.Maximise(score, start, steps: 2000, learningRate: 0.01, l2Weight: 60);
        TestTorch.Close((3 * w / 60).clamp(0, 1).expand(2, 1, 2, 3), penalised.Images, 1e-3, "penalised optimum");
    }

    [Fact]
    public void The_smallest_flip_of_a_linear_classifier_is_the_distance_to_its_boundary()
    {
        // Two classes with logits (w·x, −w·x): the margin of class 0 is 2·w·x, its boundary the plane w·x = 0,
        // at distance w·x/‖w‖ from x. The gradient path is the straight line to that plane.
        var w = tensor(new double[] { 0.3, -0.2, 0.1, 0.4 }).view(1, 1, 2, 2);
        Func<Tensor, Tensor> logits = x =>
        {
            var s = (w * x).sum(new long[] { 1, 2, 3 }).unsqueeze(1);
            return cat(new[] { s, -s }, 1);
        };
        var x = tensor(new double[] { 0.6, 0.5, 0.5, 0.55, 0.4, 0.5, 0.5, 0.45 }).view(2, 1, 2, 2);
        var labels = tensor(new long[] { 0, 1 });   // the first right (w·x > 0), the second wrong from the start
        var result = InputOptimisation.MinimalFlip(logits, x, labels, stepSize: 0.05, maxSteps: 100);
        double wx = (w * x[0]).sum().item<double>();
        double distance = wx / w.norm().item<double>();
        Assert.Equal(new[] { true, false }, result.Flipped);
        Assert.True(Math.Abs(result.L2[0] - distance) < 1e-3, $"L2 {result.L2[0]} vs distance {distance}");
        Assert.Equal(1, result.Predicted[0]);
        Assert.Equal(0.0, result.L2[1]);
        Assert.Equal(new[] { false, true }, result.StartedWrong);
        Assert.Equal(1.0, result.SuccessRate);   // of the one image classified right
        Assert.Equal(result.L2[0], result.MedianL2);
        TestTorch.Close(x[1], result.Images[1], 0, "an image already wrong is left unchanged");
    }

    [Fact]
    public void Heat_images_map_zero_to_the_colour_maps_start_and_each_maximum_to_its_end()
    {
        var values = tensor(new float[] { 0, 1, 2, 4, 0, 0, 0, 3 }).view(2, 2, 2);
        var rgb = HeatImages.Colour(values);
        Assert.Equal(new long[] { 2, 3, 2, 2 }, rgb.shape);
        var cmap = new ScottPlot.Colormaps.Inferno();
        var start = cmap.GetColor(0);
        var end = cmap.GetColor(1);
        Assert.Equal(start.R / 255f, rgb[0, 0, 0, 0].item<float>(), 5);
        Assert.Equal(end.G / 255f, rgb[0, 1, 1, 1].item<float>(), 5);   // 4 is image 0's maximum
        Assert.Equal(end.B / 255f, rgb[1, 2, 1, 1].item<float>(), 5);   // 3 is image 1's maximum
        var grey = rand(2, 1, 2, 2);
        TestTorch.Close(grey.expand(2, 3, 2, 2), HeatImages.Overlay(grey, values, alpha: 0), 1e-6, "α = 0 is the image");
        Assert.Contains("non-negative", Assert.Throws<ArgumentException>(() => HeatImages.Colour(-values)).Message);
    }
}

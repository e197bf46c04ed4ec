using Attend.Spatial;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Tests.Spatial;

public class SamplingTests
{
    [Fact]
    public void Hand_bilinear_formula_gives_textbook_values()
    {
        var img = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 1, 1, 2, 2 });   // row 0: 1 2, row 1: 3 4
        var v = Bilinear.Sample(img, tensor(new float[] { 0.5f, 0.25f, 1, -0.5f }).view(1, 4), tensor(new float[] { 0.5f, 0, 1, 0 }).view(1, 4));
        Assert.Equal(new float[] { 2.5f, 1.25f, 4, 0.5f }, v.flatten().data<float>().ToArray());   // last: half outside → ½·1
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Grid_sample_equals_the_hand_bilinear_formula(bool alignCorners)
    {
        var img = rand(2, 3, 5, 7);
        var grid = rand(2, 1, 40, 2) * 2.4 - 1.2;   // includes points outside the image (zero padding)
        var expected = F.grid_sample(img, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, alignCorners).squeeze(2);
        var x = Bilinear.ToPixelCentres(grid[.., 0, .., 0], 7, alignCorners);
        var y = Bilinear.ToPixelCentres(grid[.., 0, .., 1], 5, alignCorners);
        TestTorch.Close(expected, Bilinear.Sample(img, x, y), 1e-5, "grid_sample vs formula");
    }

    [Fact]
    public void Hand_bilinear_gradients_match_finite_differences()
    {
        var img = rand(1, 2, 4, 5, dtype: ScalarType.Float64);
        var x0 = tensor(new double[] { 0.3, 1.7, 3.2, 2.45 }).view(1, 4);
        var y0 = tensor(new double[] { 0.6, 2.2, 1.1, 0.35 }).view(1, 4);
        TestTorch.GradCheck(x => Bilinear.Sample(img, x, y0), x0);
        TestTorch.GradCheck(y => Bilinear.Sample(img, x0, y), y0);
        TestTorch.GradCheck(i => Bilinear.Sample(i, x0, y0), img);
    }

    [Fact]
    public void CoordConv_channels_span_minus_one_to_one_on_non_square_maps()
    {
        var c = CoordConv.Channels(2, 3, 5);
        Assert.Equal(new long[] { 2, 2, 3, 5 }, c.shape);
        Assert.Equal(new float[] { -1, -0.5f, 0, 0.5f, 1 }, c[1, 0, 2].data<float>().ToArray());   // x along the width
        Assert.Equal(new float[] { -1, 0, 1 }, c[0, 1, .., 4].data<float>().ToArray());           // y down the height
        Assert.Equal(0f, CoordConv.Channels(1, 1, 4)[0, 1, 0, 2].item<float>());                   // one row → y = 0
        var f = rand(2, 16, 3, 5);
        var appended = CoordConv.Append(f);
        Assert.Equal(new long[] { 2, 18, 3, 5 }, appended.shape);
        TestTorch.Close(f, appended[.., ..16], 0);
        TestTorch.Close(c, appended[.., 16..], 0);
        Assert.Throws<ArgumentException>(() => CoordConv.Append(rand(3, 4)));
    }

    [Fact]
    public void Gaussian_window_filterbank_rows_are_normalised_and_narrow_windows_copy_pixels()
    {
        var fb = GaussianWindow.Filterbank(tensor(new float[] { 3.5f }), tensor(new float[] { 1 }), tensor(new float[] { 0.8f }), 4, 10);
        TestTorch.Close(ones(1, 4), fb.sum(2), 1e-6, "row sums");
        Assert.Equal(new long[] { 2, 3, 4, 5 }, fb[0].argmax(1).data<long>().ToArray());   // means 2, 3, 4, 5
        // σ → 0, stride 1, N = size, centred: the glimpse is the image itself.
        var img = rand(2, 3, 6, 6);
        var c = full(2, 2.5f);
        var one = ones(2);
        var tiny = full(2, 0.05f);
        TestTorch.Close(img, GaussianWindow.Read(img, c, c, one, tiny, 6), 1e-5, "identity read");
        TestTorch.Close(img, GaussianWindow.Write(img, c, c, one, tiny, 6, 6), 1e-5, "identity write");
    }

    [Fact]
    public void Gaussian_window_is_differentiable_in_its_position()
    {
        var img = rand(1, 1, 8, 8, dtype: ScalarType.Float64);
        var cy = tensor(new double[] { 4.2 });
        var stride = tensor(new double[] { 1.5 });
        var sigma = tensor(new double[] { 1.1 });
        TestTorch.GradCheck(cx => GaussianWindow.Read(img, cx, cy, stride, sigma, 3), tensor(new double[] { 3.3 }));
        TestTorch.GradCheck(s => GaussianWindow.Read(img, cy, cy, stride, s, 3), sigma);
    }
}

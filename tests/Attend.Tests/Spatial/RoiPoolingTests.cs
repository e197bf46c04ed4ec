using Attend.Spatial;

namespace Attend.Tests.Spatial;

public class RoiPoolingTests
{
    // f(y, x) = 10·y + x on a 6×6 map, so maxima and means are easy to compute by hand.
    static Tensor Ramp() => (arange(6).view(6, 1) * 10 + arange(6).view(1, 6)).to_type(ScalarType.Float32).view(1, 1, 6, 6);

    [Fact]
    public void Max_pooling_takes_each_bins_maximum()
    {
        // Box x 0..3, y 1..4 → 4×4 pixels, 2×2 bins of 2×2: maxima at the bins' bottom-right pixels.
        var pooled = RoiPooling.MaxPool(Ramp(), tensor(new float[] { 0, 0, 1, 3, 4 }, new long[] { 1, 5 }), 2, 2);
        Assert.Equal(new float[] { 21, 23, 41, 43 }, pooled.flatten().data<float>().ToArray());
        // Uneven split: 3 pixels into 2 bins → bins overlap on the middle pixel (floor/ceil).
        var uneven = RoiPooling.MaxPool(Ramp(), tensor(new float[] { 0, 0, 0, 2, 0 }, new long[] { 1, 5 }), 1, 2);
        Assert.Equal(new float[] { 1, 2 }, uneven.flatten().data<float>().ToArray());
    }

    [Fact]
    public void Roi_align_averages_bilinear_samples()
    {
        // On a linear map bilinear sampling is exact, so each bin's mean is f at the bin centre.
        // Box x 1..5, y 1..3, 2×2 bins, 2×2 samples: centres x = 2, 4 and y = 1.5, 2.5.
        var a = RoiPooling.Align(Ramp(), tensor(new float[] { 0, 1, 1, 5, 3 }, new long[] { 1, 5 }), 2, 2, samplingRatio: 2);
        Assert.Equal(new float[] { 17, 19, 27, 29 }, a.flatten().data<float>().ToArray());
        // aligned=true shifts by half a pixel.
        var shifted = RoiPooling.Align(Ramp(), tensor(new float[] { 0, 1, 1, 5, 3 }, new long[] { 1, 5 }), 2, 2, samplingRatio: 2, aligned: true);
        TestTorch.Close(a - 5.5, shifted, 1e-4, "aligned");
        var mx = RoiPooling.Align(Ramp(), tensor(new float[] { 0, 1, 1, 5, 3 }, new long[] { 1, 5 }), 2, 2, samplingRatio: 2, max: true);
        Assert.Equal(new float[] { 20, 22, 30, 32 }, mx.flatten().data<float>().ToArray());   // each bin's bottom-right sample
    }

    [Fact]
    public void Roi_align_is_differentiable_in_features_and_box_position()
    {
        var feats = rand(2, 2, 7, 7, dtype: ScalarType.Float64);
        var box = tensor(new double[] { 1.3, 0.7, 5.1, 4.6 }).view(1, 4);
        Tensor Run(Tensor f, Tensor b) => RoiPooling.Align(f, cat(new[] { ones(1, 1, dtype: ScalarType.Float64), b }, 1), 3, 3, samplingRatio: 2);
        TestTorch.GradCheck(b => Run(feats, b), box);
        TestTorch.GradCheck(f => Run(f, box), feats);
    }

    [Fact]
    public void Bad_boxes_are_rejected_with_the_box_named()
    {
        var e = Assert.Throws<ArgumentException>(() => RoiPooling.MaxPool(Ramp(), tensor(new float[] { 3, 0, 0, 1, 1 }, new long[] { 1, 5 }), 2, 2));
        Assert.Contains("boxes[0]", e.Message);
        Assert.Throws<ArgumentException>(() => RoiPooling.Align(Ramp(), zeros(1, 4), 2, 2));
    }
}

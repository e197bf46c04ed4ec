using Attend.Spatial;

namespace Attend.Tests.Spatial;

public class GlimpseTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Crop_then_paste_recovers_the_window_region(bool alignCorners)
    {
        // Scale 1/2 window on the pixel grid: crop samples exact pixels, paste puts them back.
        var img = rand(2, 1, 8, 8);
        // Window 4×4 = image columns 0..3, rows 4..7, chosen so every sample hits a pixel exactly.
        // align_corners=false: ±1 are outer pixel edges → scale ½, offset (−½, ½).
        // align_corners=true:  ±1 are pixel centres 0 and 3 (of 0..7) → scale 3/7, offset (−4/7, 4/7).
        float s = alignCorners ? 3f / 7 : 0.5f;
        float o = alignCorners ? 4f / 7 : 0.5f;
        var theta = tensor(new float[] { s, 0, -o, 0, s, o }, new long[] { 1, 2, 3 }).expand(2, 2, 3).contiguous();
        const int win = 4;
        var crop = Glimpse.Crop(img, theta, win, win, alignCorners);
        // The window is the top-left x range [0, 4), bottom y range [4, 8) of the image.
        TestTorch.Close(img[.., .., 4..8, 0..4], crop, 1e-5, "crop");
        var pasted = Glimpse.Paste(crop, theta, 8, 8, alignCorners);
        TestTorch.Close(img[.., .., 4..8, 0..4], pasted[.., .., 4..8, 0..4], 1e-5, "paste inside");
        Assert.Equal(0.0, pasted[.., .., 0..3, ..].abs().max().item<float>(), 6);   // canvas empty elsewhere
    }

    [Fact]
    public void AIR_window_roundtrip_restores_digit_region()
    {
        // A smooth blob inside the attended region survives image_to_window then window_to_image
        // (two bilinear resamplings: small interpolation error only).
        var ys = arange(50).to_type(ScalarType.Float32).view(50, 1);
        var xs = arange(50).to_type(ScalarType.Float32).view(1, 50);
        var img = exp(-((xs - 26).pow(2) + (ys - 23).pow(2)) / (2 * 16)).view(1, 1, 50, 50);
        var z = tensor(new float[] { 2, 0, 0 }, new long[] { 1, 3 });   // window covers the central half
        var win = ZWhere.ImageToWindow(img, z, 50);
        Assert.True(win.max().item<float>() > 0.95f, "the blob is inside the window");
        var back = ZWhere.WindowToImage(win, z, 50);
        TestTorch.Close(img[.., .., 14..36, 14..36], back[.., .., 14..36, 14..36], 0.03, "central half");
    }

    [Fact]
    public void Crop_gradients_match_finite_differences()
    {
        var img = rand(1, 1, 6, 6, dtype: ScalarType.Float64);
        var theta0 = tensor(new double[] { 0.6, 0.05, 0.1, -0.03, 0.5, -0.2 }, new long[] { 1, 2, 3 });
        TestTorch.GradCheck(t => Glimpse.Crop(img, t, 4, 4, false), theta0);
        TestTorch.GradCheck(x => Glimpse.Crop(x, theta0, 4, 4, false), img);
        var win = rand(1, 1, 4, 4, dtype: ScalarType.Float64);
        TestTorch.GradCheck(w => Glimpse.Paste(w, theta0, 6, 6, true), win);
        var z0 = tensor(new double[] { 2.5, 0.1, -0.2 }, new long[] { 1, 3 });
        TestTorch.GradCheck(z => ZWhere.WindowToImage(win, z, 6), z0);
        TestTorch.GradCheck(z => ZWhere.ImageToWindow(img, z, 4), z0);
    }

    [Fact]
    public void Attention_rectangle_has_the_expected_pixel_corners()
    {
        // z_where (2, 0, 0) on a 50 canvas attends to the central half: pixels 12.5 … 37.5.
        var r = AttentionRectangle.FromZWhere(tensor(new float[] { 2, 0, 0 }, new long[] { 1, 3 }), 50);
        Assert.Equal(new long[] { 1, 2, 5 }, r.shape);
        Assert.Equal(new float[] { 12.5f, 12.5f, 37.5f, 37.5f, 12.5f }, r[0, 0].data<float>().ToArray());
        Assert.Equal(new float[] { 12.5f, 37.5f, 37.5f, 12.5f, 12.5f }, r[0, 1].data<float>().ToArray());
        var box = AttentionRectangle.BoundingBox(r);
        Assert.Equal(new float[] { 12.5f, 12.5f, 37.5f, 37.5f }, box[0].data<float>().ToArray());
        // Translation moves it: x = 0.5 shifts the window left by 0.5/2 of the half-width in canvas units.
        var moved = AttentionRectangle.FromZWhere(tensor(new float[] { 2, 0.5f, 0 }, new long[] { 1, 3 }), 50);
        Assert.Equal(12.5f - 6.25f, moved[0, 0, 0].item<float>(), 4);
    }

    [Fact]
    public void Attention_rectangle_with_align_corners_spans_pixel_centres()
    {
        // The identity window with align_corners=true spans pixel centres 0 … W−1, i.e. edges 0.5 … W−0.5.
        var r = AttentionRectangle.Corners(tensor(new float[] { 1, 0, 0, 0, 1, 0 }, new long[] { 1, 2, 3 }), 10, 20, true);
        Assert.Equal(0.5f, r[0, 0].min().item<float>(), 5);
        Assert.Equal(19.5f, r[0, 0].max().item<float>(), 5);
        Assert.Equal(9.5f, r[0, 1].max().item<float>(), 5);
    }
}

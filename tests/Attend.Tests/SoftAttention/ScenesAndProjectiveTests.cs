using Attend.Data;
using Attend.Spatial;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Tests.SoftAttention;

public class ScenesAndProjectiveTests
{
    [Fact]
    public void Largest_digit_scenes_put_the_largest_digit_first_without_overlaps()
    {
        var digits = new ImageSet(ones(30, 1, 28, 28), arange(30) % 10, "blank digits");
        var options = new LargestDigitOptions();
        using var scenes = LargestDigitScenes.Generate(digits, options, 50, seed: 4);
        Assert.Equal(new long[] { 50, 1, 64, 64 }, scenes.Images.shape);
        for (int i = 0; i < 50; i++)
        {
            long count = scenes.Counts[i].item<long>();
            Assert.InRange(count, 1, 3);
            var boxes = Enumerable.Range(0, (int)count).Select(k => scenes.Boxes[i, k].data<float>().ToArray()).ToList();
            float Side(float[] b) => b[2] - b[0];
            Assert.InRange(Side(boxes[0]), options.MinTargetSize, options.MaxTargetSize);
            for (int k = 1; k < count; k++)
            {
                Assert.InRange(Side(boxes[k]), options.MinOtherSize, options.MaxOtherSize);
                var (a, b) = (boxes[0], boxes[k]);
                Assert.False(a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3], $"scene {i}: digits 0 and {k} overlap");
            }
            // The blank digits fill their boxes exactly: the scene's ink is the boxes' area.
            double area = boxes.Sum(b => (double)Side(b) * Side(b));
            Assert.Equal(area, scenes.Images[i].sum().item<float>(), 0);
            Assert.InRange(scenes.Labels[i, 0].item<long>(), 0, 9);
        }
        Assert.Contains("smaller", Assert.Throws<ArgumentException>(() =>
            LargestDigitScenes.Generate(digits, options with { MaxOtherSize = 26 }, 5, 0)).Message);
    }

    [Fact]
    public void A_homography_with_an_affine_last_row_gives_affine_grids_grid_at_any_scale()
    {
        var theta = tensor(new float[] { 0.8f, 0.1f, 0.2f, -0.2f, 0.9f, -0.1f }).view(1, 2, 3);
        var h = Projective.FromAffine(theta);
        var expected = F.affine_grid(theta, new long[] { 1, 1, 5, 7 }, align_corners: false);
        TestTorch.Close(expected, Projective.Grid(h, 5, 7), 1e-6, "affine");
        TestTorch.Close(expected, Projective.Grid(h * 3.5, 5, 7), 1e-6, "λH");
    }

    [Fact]
    public void A_projective_map_divides_by_the_third_coordinate()
    {
        // H = [[1, 0, 0], [0, 1, 0], [0.5, 0, 1]]: (x, y) → (x, y) / (0.5x + 1).
        var h = tensor(new float[] { 1, 0, 0, 0, 1, 0, 0.5f, 0, 1 }).view(1, 3, 3);
        var p = Projective.Apply(h, tensor(new float[] { 1, 1, -1, 0.5f }).view(1, 2, 2));
        TestTorch.Close(tensor(new float[] { 1 / 1.5f, 1 / 1.5f, -2, 1 }).view(1, 2, 2), p, 1e-6, "mapped points");
        Assert.Contains("infinity", Assert.Throws<ArgumentException>(() =>
            Projective.Apply(h, tensor(new float[] { -2, 0 }).view(1, 1, 2))).Message);
        var image = rand(1, 2, 6, 6);
        TestTorch.Close(image, Projective.Warp(image, eye(3).unsqueeze(0)), 1e-6, "identity warp");
    }
}

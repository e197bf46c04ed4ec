using Attend.Data;

namespace Attend.Tests.Data;

public class MultiMnistTests
{
    /// <summary>A pool of solid 28×28 "digits", digit i having the constant value values[i].</summary>
    static ImageSet Pool(params float[] values)
        => new(tensor(values).view(-1, 1, 1, 1).expand(values.Length, 1, 28, 28).contiguous(),
               tensor(Enumerable.Range(0, values.Length).Select(i => (long)(i % 10)).ToArray()), "pool");

    [Fact]
    public void Air_scenes_have_uniform_counts_digits_inside_and_the_centre_rule()
    {
        using var pool = Pool(Enumerable.Repeat(1f, 30).ToArray());
        using var s = MultiMnist.GenerateAir(pool, 3000, seed: 1);
        Assert.Equal(new long[] { 3000, 1, 50, 50 }, s.Images.shape);
        var counts = s.Counts.data<long>().ToArray();
        for (int n = 0; n < 3; n++)
            Assert.InRange(counts.Count(c => c == n) / 3000.0, 0.30, 0.367);
        var boxes = s.Boxes.data<float>().ToArray();
        var images = s.Images.data<float>().ToArray();
        for (int i = 0; i < 3000; i++)
        {
            // Digits resized to 24×24 solid squares: the image's mass is 576 per digit, all inside the canvas.
            Assert.Equal(576.0 * counts[i], images.AsSpan(i * 2500, 2500).ToArray().Sum(v => (double)v), 1);
            for (int k = 0; k < counts[i]; k++)
            {
                var b = boxes.AsSpan((i * 2 + k) * 4, 4);
                Assert.True(b[0] >= 0 && b[1] >= 0 && b[2] <= 50 && b[3] <= 50 && b[2] - b[0] == 24 && b[3] - b[1] == 24);
            }
            if (counts[i] == 2)
            {
                float cx0 = boxes[i * 8] + 12;
                float cy0 = boxes[i * 8 + 1] + 12;
                float cx1 = boxes[i * 8 + 4] + 12;
                float cy1 = boxes[i * 8 + 5] + 12;
                Assert.True(Math.Abs(cx1 - cx0) >= 12 && Math.Abs(cy1 - cy0) >= 12, $"scene {i}: centres ({cx0},{cy0}) and ({cx1},{cy1}) too close");
            }
            else Assert.Equal(-1, s.Labels[i, 1].item<long>());
        }
    }

    [Fact]
    public void Air_scenes_with_exactly_three_digits_keep_centres_out_of_each_other()
    {
        using var pool = Pool(Enumerable.Repeat(1f, 30).ToArray());
        using var s = MultiMnist.GenerateAirExactly(pool, 300, digitCount: 3, seed: 5);
        Assert.Equal(new long[] { 300, 1, 50, 50 }, s.Images.shape);
        Assert.Equal(new long[] { 300, 3, 4 }, s.Boxes.shape);
        Assert.True(s.Counts.eq(3).all().item<bool>());
        var boxes = s.Boxes.data<float>().ToArray();
        var images = s.Images.data<float>().ToArray();
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal(576.0 * 3, images.AsSpan(i * 2500, 2500).ToArray().Sum(v => (double)v), 1);   // pixels add up: all three drawn
            var centres = Enumerable.Range(0, 3).Select(k => (X: boxes[(i * 3 + k) * 4] + 12, Y: boxes[(i * 3 + k) * 4 + 1] + 12)).ToArray();
            for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
                Assert.False(Math.Abs(centres[a].X - centres[b].X) < 12 && Math.Abs(centres[a].Y - centres[b].Y) < 12,
                             $"scene {i}: centre {b} inside digit {a}");
        }
        Assert.Throws<ArgumentException>(() => MultiMnist.GenerateAirExactly(pool, 10, digitCount: 5, seed: 1));
    }

    [Fact]
    public void Generators_are_deterministic_under_a_seed()
    {
        using var pool = Pool(Enumerable.Range(0, 20).Select(i => i / 20f).ToArray());
        using var a = MultiMnist.GenerateAir(pool, 50, seed: 9);
        using var b = MultiMnist.GenerateAir(pool, 50, seed: 9);
        using var c = MultiMnist.GenerateAir(pool, 50, seed: 10);
        Assert.True(a.Images.eq(b.Images).all().item<bool>() && a.Counts.eq(b.Counts).all().item<bool>());
        Assert.False(a.Images.eq(c.Images).all().item<bool>());
        var o = new MultiMnistOptions(CanvasSize: 64, DigitSize: 16, MinDigits: 1, MaxDigits: 3);
        using var n1 = MultiMnist.Generate(pool, o, 30, seed: 4);
        using var n2 = MultiMnist.Generate(pool, o, 30, seed: 4);
        Assert.True(n1.Images.eq(n2.Images).all().item<bool>() && n1.Boxes.eq(n2.Boxes).all().item<bool>());
    }

    [Fact]
    public void Scenes_use_only_digits_from_the_pool_given()
    {
        // Train and test scenes are disjoint because each generator sees only its own pool.
        using var trainPool = Pool(0.1f, 0.2f, 0.3f);
        using var testPool = Pool(0.6f, 0.7f);
        using var s = MultiMnist.GenerateAir(testPool, 200, seed: 2);
        var single = s.Images.index(s.Counts.eq(1));
        var values = single.flatten().unique().Item1.data<float>().ToArray().Where(v => v > 0).ToArray();
        Assert.All(values, v => Assert.True(Math.Abs(v - 0.6f) < 1e-4 || Math.Abs(v - 0.7f) < 1e-4, $"pixel {v} not from the test pool"));
    }

    [Fact]
    public void NoP_scenes_place_non_overlapping_digits_with_boxes_and_labels()
    {
        using var pool = Pool(Enumerable.Repeat(1f, 10).ToArray());
        var o = new MultiMnistOptions(CanvasSize: 96, DigitSize: 20, MinDigits: 2, MaxDigits: 4);
        using var s = MultiMnist.Generate(pool, o, 100, seed: 3);
        Assert.Equal(new long[] { 100, 4, 4 }, s.Boxes.shape);
        var counts = s.Counts.data<long>().ToArray();
        Assert.All(counts, c => Assert.InRange(c, 2, 4));
        for (int i = 0; i < 100; i++)
        {
            var boxes = Enumerable.Range(0, (int)counts[i]).Select(k => s.Boxes[i, k].data<float>().ToArray()).ToList();
            Assert.All(boxes, b => Assert.True(b[0] >= 0 && b[3] <= 96 && b[2] - b[0] == 20));
            for (int a = 0; a < boxes.Count; a++)
            for (int b = a + 1; b < boxes.Count; b++)
                Assert.True(boxes[a][2] <= boxes[b][0] || boxes[b][2] <= boxes[a][0] || boxes[a][3] <= boxes[b][1] || boxes[b][3] <= boxes[a][1],
                            $"scene {i}: boxes overlap");
            Assert.Equal(400.0 * counts[i], s.Images[i].sum().item<float>(), 1);   // no overlap → no lost mass
            Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(k < counts[i], s.Labels[i, k].item<long>() >= 0));
        }
    }

    [Fact]
    public void Bad_options_are_rejected()
    {
        using var pool = Pool(1f);
        Assert.Throws<ArgumentException>(() => MultiMnist.GenerateAir(pool, 0, 1));
        Assert.Throws<ArgumentException>(() => MultiMnist.GenerateAir(pool, 5, 1, canvasSize: 20, digitSize: 24));
        Assert.Throws<ArgumentException>(() => MultiMnist.Generate(pool, new MultiMnistOptions(MinDigits: 3, MaxDigits: 1), 5, 1));
    }
}

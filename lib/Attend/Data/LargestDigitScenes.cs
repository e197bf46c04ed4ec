// Maps a pool of MNIST digits to scenes of digits of different sizes whose label is the largest digit's
// class: a task where a classifier must find the right place (the soft-attention notebook). The largest
// digit is always in slot 0 of the boxes and labels; the others are distractors, strictly smaller.
using static TorchSharp.torch;

namespace Attend.Data;

/// <summary>Canvas side, digits per scene (the target and the distractors), and the size ranges in pixels
/// (inclusive): every distractor is smaller than every target.</summary>
public sealed record LargestDigitOptions(int CanvasSize = 64, int Digits = 3, int MinTargetSize = 26, int MaxTargetSize = 30,
                                         int MinOtherSize = 12, int MaxOtherSize = 20, int MaxPlacementTries = 200)
{
    public void Validate()
    {
        if (Digits < 1) throw new ArgumentException($"a scene needs at least one digit, got {Digits}");
        if (MinOtherSize < 4 || MinOtherSize > MaxOtherSize || MinTargetSize > MaxTargetSize)
            throw new ArgumentException($"size ranges {MinOtherSize}-{MaxOtherSize} and {MinTargetSize}-{MaxTargetSize} must be non-empty (≥ 4 px)");
        if (MaxOtherSize >= MinTargetSize)
            throw new ArgumentException($"distractors (up to {MaxOtherSize} px) must be smaller than the target (from {MinTargetSize} px)");
        if (MaxTargetSize > CanvasSize) throw new ArgumentException($"a {MaxTargetSize}-pixel digit does not fit the {CanvasSize}-pixel canvas");
    }
}

public static class LargestDigitScenes
{
    /// <summary>Scenes [N, 1, S, S]: the target digit at a uniform position, then each distractor at a uniform
    /// position that does not overlap an earlier digit (retried; a distractor that finds no room is left out,
    /// so counts may be below Digits). Digits are drawn uniformly from <paramref name="digits"/> and resized
    /// (bilinear, antialiased) to their drawn size.</summary>
    public static MultiMnistScenes Generate(ImageSet digits, LargestDigitOptions o, int numImages, int seed)
    {
        o.Validate();
        if (numImages < 1) throw new ArgumentException($"numImages must be positive, got {numImages}");
        var rng = new Random(seed);
        long[] pool = digits.Labels.data<long>().ToArray();
        int s = o.CanvasSize;
        int k = o.Digits;
        var placements = new List<(int Image, int Slot, int Digit, int Size, int X, int Y)>();
        var counts = new long[numImages];
        for (int i = 0; i < numImages; i++)
        {
            var placed = new List<(int X, int Y, int Size)>();
            for (int j = 0; j < k; j++)
            {
                int size = j == 0 ? rng.Next(o.MinTargetSize, o.MaxTargetSize + 1) : rng.Next(o.MinOtherSize, o.MaxOtherSize + 1);
                int d = rng.Next(pool.Length);
                for (int t = 0; t < o.MaxPlacementTries; t++)
                {
                    int x = rng.Next(s - size + 1);
                    int y = rng.Next(s - size + 1);
                    if (placed.Any(p => x < p.X + p.Size && p.X < x + size && y < p.Y + p.Size && p.Y < y + size)) continue;
                    placements.Add((i, placed.Count, d, size, x, y));
                    placed.Add((x, y, size));
                    break;
                }
            }
            counts[i] = placed.Count;
        }
        var canvas = new float[(long)numImages * s * s];
        var boxes = new float[numImages * k * 4];
        var labels = Enumerable.Repeat(-1L, numImages * k).ToArray();
        // Resize each size's digits in one call.
        foreach (var group in placements.GroupBy(p => p.Size))
        {
            var list = group.ToList();
            using var picked = digits.Images.index_select(0, tensor(list.Select(p => (long)p.Digit).ToArray()));
            var resized = MultiMnist.Resize(picked, group.Key);
            for (int n = 0; n < list.Count; n++)
            {
                var p = list[n];
                MultiMnist.Place(canvas, p.Image, s, resized, n, p.Size, p.X, p.Y, add: false);
                MultiMnist.Record(boxes, labels, p.Image, p.Slot, k, p.X, p.Y, p.Size, pool[p.Digit]);
            }
        }
        return new MultiMnistScenes(tensor(canvas, new long[] { numImages, 1, s, s }), tensor(counts),
                                     tensor(boxes, new long[] { numImages, k, 4 }), tensor(labels, new long[] { numImages, k }));
    }
}

// Maps a pool of MNIST digits to multi-digit scenes: AIR's 50×50 canvases with 0, 1 or 2
// digits, and the NoP-Learner's larger canvases, with counts, boxes and labels recorded.
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Data;

/// <summary>Scenes: images [N, 1, S, S] in [0, 1] (AIR: sums of digits, may exceed 1 where digits
/// touch), counts [N], boxes [N, K, 4] (x0, y0, x1, y1 in pixel edge coordinates; zeros past
/// the count), digit labels [N, K] (−1 past the count).</summary>
public sealed class MultiMnistScenes(Tensor images, Tensor counts, Tensor boxes, Tensor labels) : IScenes, IDisposable
{
    public Tensor Images { get; } = images;
    public Tensor Counts { get; } = counts;
    public Tensor Boxes { get; } = boxes;
    public Tensor Labels { get; } = labels;
    public long Count => Images.shape[0];
    public void Dispose() { Images.Dispose(); Counts.Dispose(); Boxes.Dispose(); Labels.Dispose(); }
}

/// <summary>Options for the NoP-Learner's Multi-MNIST: canvas and digit size, digit count range.
/// Digits never overlap (placement is retried, then the scene holds fewer digits).</summary>
public sealed record MultiMnistOptions(int CanvasSize = 256, int DigitSize = 28, int MinDigits = 1, int MaxDigits = 3, int MaxPlacementTries = 200);

public static class MultiMnist
{
    /// <summary>
    /// The AIR notes' generator: a blank canvas (50×50) with 0, 1 or 2 digits (equal
    /// probability), each drawn uniformly from <paramref name="digits"/> and resized to 24×24.
    /// Centres are drawn from [12, 38); a second digit's x centre avoids [x₀−12, x₀+12) and its
    /// y centre avoids [y₀−12, y₀+12), so centres never fall inside the other digit (small
    /// overlaps of the digits' borders are accepted, as in the AIR notes). Pixels add up.
    /// </summary>
    public static MultiMnistScenes GenerateAir(ImageSet digits, int numImages, int seed, int canvasSize = 50, int digitSize = 24)
    {
        var (half, positions, resized, digitLabels) = AirPool(digits, numImages, canvasSize, digitSize);
        var rng = new Random(seed);
        var canvas = new float[(long)numImages * canvasSize * canvasSize];
        var counts = new long[numImages];
        var boxes = new float[numImages * 2 * 4];
        var labels = Enumerable.Repeat(-1L, numImages * 2).ToArray();
        for (int i = 0; i < numImages; i++)
        {
            int n = rng.Next(3);
            int d0 = rng.Next(digitLabels.Length);
            int d1 = rng.Next(digitLabels.Length);
            int x0 = positions[rng.Next(positions.Length)];
            int y0 = positions[rng.Next(positions.Length)];
            counts[i] = n;
            if (n == 0) continue;
            Place(canvas, i, canvasSize, resized, d0, digitSize, x0 - half, y0 - half, add: true);
            Record(boxes, labels, i, 0, 2, x0 - half, y0 - half, digitSize, digitLabels[d0]);
            if (n == 2)
            {
                var xs = positions.Where(p => p < x0 - half || p >= x0 + half).ToArray();
                var ys = positions.Where(p => p < y0 - half || p >= y0 + half).ToArray();
                int x1 = xs[rng.Next(xs.Length)];
                int y1 = ys[rng.Next(ys.Length)];
                Place(canvas, i, canvasSize, resized, d1, digitSize, x1 - half, y1 - half, add: true);
                Record(boxes, labels, i, 1, 2, x1 - half, y1 - half, digitSize, digitLabels[d1]);
            }
        }
        return new MultiMnistScenes(tensor(canvas, new long[] { numImages, 1, canvasSize, canvasSize }), tensor(counts),
                                     tensor(boxes, new long[] { numImages, 2, 4 }), tensor(labels, new long[] { numImages, 2 }));
    }

    /// <summary>
    /// AIR's canvases with exactly <paramref name="digitCount"/> digits each (the paper's generalisation test:
    /// trained on 0-2 digits, counted on 3). Digits as in <see cref="GenerateAir"/>; each digit's centre is
    /// drawn until it lies outside every earlier digit's 24×24 square (the per-axis rule of two-digit scenes
    /// leaves no room for a third digit on 50×50), so digits may overlap at their borders. Boxes and labels
    /// have one slot per digit.
    /// </summary>
    public static MultiMnistScenes GenerateAirExactly(ImageSet digits, int numImages, int digitCount, int seed,
                                                      int canvasSize = 50, int digitSize = 24)
    {
        if (digitCount is < 1 or > 4) throw new ArgumentException($"digitCount must be 1-4 on AIR's canvases, got {digitCount}");
        var (half, positions, resized, digitLabels) = AirPool(digits, numImages, canvasSize, digitSize);
        var rng = new Random(seed);
        var canvas = new float[(long)numImages * canvasSize * canvasSize];
        var boxes = new float[numImages * digitCount * 4];
        var labels = new long[numImages * digitCount];
        var centres = new List<(int X, int Y)>();
        for (int i = 0; i < numImages; i++)
        {
            centres.Clear();
            for (int k = 0; k < digitCount; k++)
            {
                int d = rng.Next(digitLabels.Length);
                (int X, int Y) c;
                do c = (positions[rng.Next(positions.Length)], positions[rng.Next(positions.Length)]);
                while (centres.Any(o => Math.Abs(o.X - c.X) < half && Math.Abs(o.Y - c.Y) < half));
                centres.Add(c);
                Place(canvas, i, canvasSize, resized, d, digitSize, c.X - half, c.Y - half, add: true);
                Record(boxes, labels, i, k, digitCount, c.X - half, c.Y - half, digitSize, digitLabels[d]);
            }
        }
        return new MultiMnistScenes(tensor(canvas, new long[] { numImages, 1, canvasSize, canvasSize }),
                                     full(numImages, (long)digitCount, dtype: ScalarType.Int64),
                                     tensor(boxes, new long[] { numImages, digitCount, 4 }), tensor(labels, new long[] { numImages, digitCount }));
    }

    /// <summary>AIR's scene generators' shared start: the arguments checked, the digits resized, their labels,
    /// and the centre positions that keep a digit inside the canvas.</summary>
    static (int Half, int[] Positions, float[] Resized, long[] Labels) AirPool(ImageSet digits, int numImages, int canvasSize, int digitSize)
    {
        if (numImages < 1) throw new ArgumentException($"numImages must be positive, got {numImages}");
        if (digitSize % 2 != 0 || digitSize >= canvasSize)
            throw new ArgumentException($"digit size {digitSize} must be even and smaller than the canvas {canvasSize}");
        int half = digitSize / 2;
        return (half, Enumerable.Range(half, canvasSize - 2 * half).ToArray(), Resize(digits.Images, digitSize),
                digits.Labels.data<long>().ToArray());
    }

    /// <summary>The NoP-Learner's Multi-MNIST: a canvas (256×256 by default) with between
    /// MinDigits and MaxDigits non-overlapping digits at uniform positions, resized to DigitSize.</summary>
    public static MultiMnistScenes Generate(ImageSet digits, MultiMnistOptions options, int numImages, int seed)
    {
        var o = options;
        if (numImages < 1) throw new ArgumentException($"numImages must be positive, got {numImages}");
        if (o.DigitSize < 1 || o.DigitSize > o.CanvasSize)
            throw new ArgumentException($"digit size {o.DigitSize} must fit the canvas {o.CanvasSize}");
        if (o.MinDigits < 0 || o.MaxDigits < o.MinDigits) throw new ArgumentException($"digit count range {o.MinDigits}..{o.MaxDigits} is empty");
        var resized = Resize(digits.Images, o.DigitSize);
        long[] digitLabels = digits.Labels.data<long>().ToArray();
        var rng = new Random(seed);
        int s = o.CanvasSize;
        int k = Math.Max(o.MaxDigits, 1);
        var canvas = new float[(long)numImages * s * s];
        var counts = new long[numImages];
        var boxes = new float[numImages * k * 4];
        var labels = Enumerable.Repeat(-1L, numImages * k).ToArray();
        for (int i = 0; i < numImages; i++)
        {
            int want = rng.Next(o.MinDigits, o.MaxDigits + 1);
            var placed = new List<(int X, int Y)>();
            for (int j = 0; j < want; j++)
            {
                for (int t = 0; t < o.MaxPlacementTries; t++)
                {
                    int x = rng.Next(s - o.DigitSize + 1);
                    int y = rng.Next(s - o.DigitSize + 1);
                    if (placed.Any(p => Math.Abs(p.X - x) < o.DigitSize && Math.Abs(p.Y - y) < o.DigitSize)) continue;
                    int d = rng.Next(digitLabels.Length);
                    Place(canvas, i, s, resized, d, o.DigitSize, x, y, add: false);
                    Record(boxes, labels, i, placed.Count, k, x, y, o.DigitSize, digitLabels[d]);
                    placed.Add((x, y));
                    break;
                }
            }
            counts[i] = placed.Count;
        }
        return new MultiMnistScenes(tensor(canvas, new long[] { numImages, 1, s, s }), tensor(counts),
                                     tensor(boxes, new long[] { numImages, k, 4 }), tensor(labels, new long[] { numImages, k }));
    }

    /// <summary>Digits [N, 1, 28, 28] → flat float pixels resized to size×size (bilinear with
    /// antialiasing, as torchvision's Resize on PIL images).</summary>
    internal static float[] Resize(Tensor images, int size)
    {
        using var _ = NewDisposeScope();
        var x = images.to_type(ScalarType.Float32);
        if (images.shape[2] != size || images.shape[3] != size)
            x = F.interpolate(x, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return x.clamp(0, 1).contiguous().data<float>().ToArray();
    }

    internal static void Place(float[] canvas, int image, int canvasSize, float[] digits, int digit, int size, int left, int top, bool add)
    {
        long baseOff = (long)image * canvasSize * canvasSize;
        long dOff = (long)digit * size * size;
        for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
        {
            long o = baseOff + (long)(top + r) * canvasSize + left + c;
            float v = digits[dOff + r * size + c];
            canvas[o] = add ? canvas[o] + v : Math.Max(canvas[o], v);
        }
    }

    internal static void Record(float[] boxes, long[] labels, int image, int slot, int slots, int left, int top, int size, long label)
    {
        int b = (image * slots + slot) * 4;
        boxes[b] = left; boxes[b + 1] = top; boxes[b + 2] = left + size; boxes[b + 3] = top + size;
        labels[image * slots + slot] = label;
    }
}

// Maps a seed to CLEVR-like scenes: spheres, cubes and cylinders in CLEVR's eight colours and two
// sizes, shaded by one light from the upper left with soft shadows on a graded floor, at
// non-overlapping positions, with their boxes and attributes. Written here because no package
// renders CLEVR-style scenes without a 3-D engine; 2×2 supersampling smooths the edges.
using static TorchSharp.torch;

namespace Attend.Data;

public sealed record ShapesOptions(int CanvasSize = 128, int MinObjects = 2, int MaxObjects = 4, int MaxPlacementTries = 200);

public static class ShapesScenes
{
    public static readonly string[] Shapes = { "sphere", "cube", "cylinder" };
    public static readonly string[] Colours = { "gray", "red", "blue", "green", "brown", "purple", "cyan", "yellow" };
    public static readonly string[] Sizes = { "small", "large" };
    public static readonly string[] AttributeNames = { "shape", "colour", "size" };

    // CLEVR's colour table (RGB 0–255).
    static readonly float[][] Rgb =
    {
        new float[] { 87, 87, 87 }, new float[] { 173, 35, 35 }, new float[] { 42, 75, 215 }, new float[] { 29, 105, 20 },
        new float[] { 129, 74, 25 }, new float[] { 129, 38, 192 }, new float[] { 41, 208, 208 }, new float[] { 255, 238, 51 },
    };

    /// <summary>Half-width of an object of <paramref name="size"/> (0 small, 1 large) on a canvas: 8 and 14 px at 128².</summary>
    public static float HalfSize(int size, int canvas) => (size == 0 ? 8f : 14f) * canvas / 128f;

    /// <summary>Scenes [N, 3, S, S]; labels are the shape index; attributes (shape, colour, size).
    /// With <paramref name="distinctColours"/> no two objects in a scene share a colour.</summary>
    public static SceneSet Generate(int numImages, int seed, ShapesOptions? options = null, bool distinctColours = false)
    {
        var o = options ?? new ShapesOptions();
        if (numImages < 1) throw new ArgumentException($"numImages must be positive, got {numImages}");
        if (o.CanvasSize < 32) throw new ArgumentException($"canvas must be at least 32 pixels, got {o.CanvasSize}");
        if (o.MinObjects < 0 || o.MaxObjects < Math.Max(1, o.MinObjects))
            throw new ArgumentException($"object count range {o.MinObjects}..{o.MaxObjects} is empty");
        if (distinctColours && o.MaxObjects > Colours.Length)
            throw new ArgumentException($"at most {Colours.Length} objects can have distinct colours");
        int s = o.CanvasSize;
        int k = o.MaxObjects;
        var rng = new Random(seed);
        var pixels = new float[(long)numImages * 3 * s * s];
        var counts = new long[numImages];
        var boxes = new float[numImages * k * 4];
        var labels = Enumerable.Repeat(-1L, numImages * k).ToArray();
        var attributes = Enumerable.Repeat(-1L, numImages * k * 3).ToArray();
        for (int i = 0; i < numImages; i++)
        {
            long off = (long)i * 3 * s * s;
            PaintFloor(pixels, off, s, (float)(rng.NextDouble() * 0.06));
            int want = rng.Next(o.MinObjects, o.MaxObjects + 1);
            var placed = new List<(float X, float Y, float H)>();
            var usedColours = new HashSet<int>();
            for (int j = 0; j < want; j++)
                for (int t = 0; t < o.MaxPlacementTries; t++)
                {
                    int shape = rng.Next(Shapes.Length);
                    int colour = rng.Next(Colours.Length);
                    int size = rng.Next(Sizes.Length);
                    float h = HalfSize(size, s);
                    float x = h + 2 + (float)rng.NextDouble() * (s - 2 * h - 4);
                    float y = h + 2 + (float)rng.NextDouble() * (s - 2 * h - 4);
                    if (distinctColours && usedColours.Contains(colour)) continue;
                    if (placed.Any(p => Math.Abs(p.X - x) < p.H + h + 2 && Math.Abs(p.Y - y) < p.H + h + 2)) continue;
                    placed.Add((x, y, h)); usedColours.Add(colour);
                    int slot = placed.Count - 1;
                    int b = (i * k + slot) * 4;
                    boxes[b] = x - h; boxes[b + 1] = y - h; boxes[b + 2] = x + h; boxes[b + 3] = y + h;
                    labels[i * k + slot] = shape;
                    attributes[(i * k + slot) * 3] = shape; attributes[(i * k + slot) * 3 + 1] = colour; attributes[(i * k + slot) * 3 + 2] = size;
                    break;
                }
            counts[i] = placed.Count;
            // Shadows first, then objects from back (top) to front (bottom).
            foreach (var p in placed) PaintShadow(pixels, off, s, p.X, p.Y, p.H);
            foreach (var (p, slot) in placed.Select((p, slot) => (p, slot)).OrderBy(t => t.p.Y))
            {
                long a = (i * k + slot) * 3;
                PaintObject(pixels, off, s, (int)attributes[a], Rgb[attributes[a + 1]], p.X, p.Y, p.H);
            }
        }
        return new SceneSet(tensor(pixels, new long[] { numImages, 3, s, s }), tensor(counts), tensor(boxes, new long[] { numImages, k, 4 }),
                            tensor(labels, new long[] { numImages, k }), Shapes, tensor(attributes, new long[] { numImages, k, 3 }), AttributeNames,
                            $"CLEVR-like shapes (seed {seed}, {o.MinObjects}–{o.MaxObjects} objects, {s}²)");
    }

    /// <summary>Colour index of each object, [N, K] (−1 past the count).</summary>
    public static Tensor ColourOf(SceneSet scenes) => scenes.Attributes![.., .., 1];

    static void PaintFloor(float[] px, long off, int s, float tint)
    {
        for (int y = 0; y < s; y++)
        {
            float v = 0.42f + 0.16f * y / s + tint;       // lighter towards the viewer, as CLEVR's floor
            for (int x = 0; x < s; x++)
                for (int c = 0; c < 3; c++) px[off + ((long)c * s + y) * s + x] = v;
        }
    }

    static void PaintShadow(float[] px, long off, int s, float cx, float cy, float h)
    {
        float sx = cx + 0.35f * h;
        float sy = cy + 0.55f * h;
        float rx = 1.15f * h;
        float ry = 0.6f * h;
        for (int y = Math.Max(0, (int)(sy - ry - 2)); y < Math.Min(s, (int)(sy + ry + 2)); y++)
        for (int x = Math.Max(0, (int)(sx - rx - 2)); x < Math.Min(s, (int)(sx + rx + 2)); x++)
        {
            float dx = (x + 0.5f - sx) / rx;
            float dy = (y + 0.5f - sy) / ry;
            float d = dx * dx + dy * dy;
            if (d >= 1) continue;
            float dark = 0.35f * (1 - d);                  // soft edge
            for (int c = 0; c < 3; c++) px[off + ((long)c * s + y) * s + x] *= 1 - dark;
        }
    }

    static void PaintObject(float[] px, long off, int s, int shape, float[] rgb, float cx, float cy, float h)
    {
        for (int y = Math.Max(0, (int)(cy - h - 1)); y < Math.Min(s, (int)(cy + h + 2)); y++)
        for (int x = Math.Max(0, (int)(cx - h - 1)); x < Math.Min(s, (int)(cx + h + 2)); x++)
        {
            // 2×2 supersampling: average coverage and shade over four sub-pixel points.
            float cover = 0;
            float shade = 0;
            for (int sy = 0; sy < 2; sy++)
            for (int sx = 0; sx < 2; sx++)
            {
                // u and v: [-1, 1] inside the box
                float u = (x + 0.25f + 0.5f * sx - cx) / h;
                float v = (y + 0.25f + 0.5f * sy - cy) / h;
                var (inside, light) = Surface(shape, u, v);
                if (!inside) continue;
                cover += 0.25f; shade += 0.25f * light;
            }
            if (cover == 0) continue;
            float l = shade / cover;
            for (int c = 0; c < 3; c++)
            {
                long idx = off + ((long)c * s + y) * s + x;
                float lit = Math.Clamp(rgb[c] / 255f * l + Math.Max(0, l - 1.05f) * 0.8f, 0, 1);   // highlight washes towards white
                px[idx] = px[idx] * (1 - cover) + lit * cover;
            }
        }
    }

    /// <summary>Whether (u, v) ∈ [−1, 1]² lies on the shape, and the light there (≈ 0.55 in shadow … 1.3 at a highlight).</summary>
    static (bool Inside, float Light) Surface(int shape, float u, float v)
    {
        switch (shape)
        {
            case 0:   // sphere: Lambert shading of the hemisphere, light from the upper left, plus a specular spot
            {
                float r2 = u * u + v * v;
                if (r2 > 1) return (false, 0);
                float z = MathF.Sqrt(1 - r2);
                float lambert = Math.Max(0, (-0.5f * u - 0.55f * v + 0.67f * z));
                float spec = MathF.Pow(Math.Max(0, lambert), 24);
                return (true, 0.45f + 0.7f * lambert + 0.5f * spec);
            }
            case 1:   // cube seen slightly from above: top face (v < −0.55) lit, front face graded, right edge darker
            {
                if (Math.Abs(u) > 0.9f || Math.Abs(v) > 0.9f) return (false, 0);
                if (v < -0.5f) return (true, 1.2f);
                if (u > 0.6f) return (true, 0.62f);
                return (true, 0.95f - 0.2f * (v + 0.5f));
            }
            default:  // cylinder: elliptical top, body shaded across by a cosine of the angle
            {
                if (Math.Abs(u) > 0.85f) return (false, 0);
                float top = -0.6f;
                float ry = 0.3f;
                float e = (u / 0.85f) * (u / 0.85f) + ((v - top) / ry) * ((v - top) / ry);
                if (e <= 1) return (true, 1.2f);
                if (v < top || v > 0.85f + ry * MathF.Sqrt(Math.Max(0, 1 - (u / 0.85f) * (u / 0.85f))) - ry) return (false, 0);
                float angle = u / 0.85f;
                return (true, 0.6f + 0.55f * MathF.Cos(MathF.Asin(Math.Clamp(angle, -1, 1)) + 0.6f));
            }
        }
    }
}

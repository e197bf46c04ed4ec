// Maps a CLEVR v1.0 folder the user supplies (scenes/CLEVR_<split>_scenes.json and
// images/<split>/*.png) to scenes: the 480×320 renders centre-cropped to 320² and resized, objects
// with their shape, colour and size, and approximate boxes (CLEVR records centres and depths,
// not boxes: the half-width is the object's radius projected at its depth).
using System.Text.Json;
using static TorchSharp.torch;

namespace Attend.Data;

public static class Clevr
{
    // Blender's default camera on a 480-pixel-wide render: focal length ≈ 480 · 35 / 32 pixels.
    const float FocalPixels = 525f;

    public static string ScenesFile(string folder, string split) => Path.Combine(folder, "scenes", $"CLEVR_{split}_scenes.json");

    /// <summary>Up to <paramref name="limit"/> scenes (0 = all) of <paramref name="split"/>, images size×size,
    /// at most <paramref name="maxObjects"/> objects each (the nearest kept).</summary>
    public static SceneSet Load(string folder, string split = "val", int limit = 0, int size = 128, int maxObjects = 10)
    {
        string scenesFile = ScenesFile(folder, split);
        if (!File.Exists(scenesFile))
            throw new FileNotFoundException($"CLEVR not found: expected {Runtime.RepoPaths.Display(scenesFile)} (and images/{split}/ beside it). " +
                                            "Download CLEVR v1.0 and pass its folder.", scenesFile);
        using var doc = JsonFields.Parse(scenesFile);
        if (!doc.RootElement.TryGetProperty("scenes", out var scenes) || scenes.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{scenesFile}: no \"scenes\" array");
        int n = limit > 0 ? Math.Min(limit, scenes.GetArrayLength()) : scenes.GetArrayLength();
        if (n == 0) throw new InvalidDataException($"{scenesFile}: no scenes");
        var images = new List<Tensor>();
        var counts = new long[n];
        var boxes = new float[n * maxObjects * 4];
        var labels = Enumerable.Repeat(-1L, n * maxObjects).ToArray();
        var attrs = Enumerable.Repeat(-1L, n * maxObjects * 3).ToArray();
        int i = 0;
        foreach (var scene in scenes.EnumerateArray().Take(n))
        {
            string file = Path.Combine(folder, "images", split, JsonFields.Str(scene, "image_filename", scenesFile));
            using var image = ImageFiles.ReadRgb(file);
            int h = (int)image.shape[1];
            int w = (int)image.shape[2];
            int side = Math.Min(h, w);
            int left = (w - side) / 2;
            int top = (h - side) / 2;
            float scale = size / (float)side;
            images.Add(ImageFiles.CropResize(image, left, top, side, size));
            var objects = new List<(float X, float Y, float Depth, float Half, int Shape, int Colour, int Size)>();
            foreach (var obj in JsonFields.Array(scene, "objects", scenesFile).EnumerateArray())
            {
                var pc = JsonFields.Array(obj, "pixel_coords", scenesFile).EnumerateArray().Select(e => e.GetSingle()).ToArray();
                if (pc.Length < 3) throw new InvalidDataException($"{scenesFile}: pixel_coords needs x, y, depth");
                int sizeIndex = Index(ShapesScenes.Sizes, JsonFields.Str(obj, "size", scenesFile), "size", scenesFile);
                float half = (sizeIndex == 1 ? 0.7f : 0.35f) * FocalPixels / Math.Max(pc[2], 1e-3f) * (w / 480f);
                int shape = Index(ShapesScenes.Shapes, JsonFields.Str(obj, "shape", scenesFile), "shape", scenesFile);
                int colour = Index(ShapesScenes.Colours, JsonFields.Str(obj, "color", scenesFile), "color", scenesFile);
                float x = pc[0] - left;
                float y = pc[1] - top;
                if (x < 0 || y < 0 || x >= side || y >= side) continue;       // outside the square crop
                objects.Add((x * scale, y * scale, pc[2], half * scale, shape, colour, sizeIndex));
            }
            var kept = objects.OrderBy(o => o.Depth).Take(maxObjects).ToList();
            counts[i] = kept.Count;
            for (int k = 0; k < kept.Count; k++)
            {
                var o = kept[k];
                int b = (i * maxObjects + k) * 4;
                boxes[b] = Math.Max(0, o.X - o.Half); boxes[b + 1] = Math.Max(0, o.Y - o.Half);
                boxes[b + 2] = Math.Min(size, o.X + o.Half); boxes[b + 3] = Math.Min(size, o.Y + o.Half);
                labels[i * maxObjects + k] = o.Shape;
                attrs[(i * maxObjects + k) * 3] = o.Shape;
                attrs[(i * maxObjects + k) * 3 + 1] = o.Colour;
                attrs[(i * maxObjects + k) * 3 + 2] = o.Size;
            }
            i++;
        }
        var stacked = stack(images); foreach (var t in images) t.Dispose();
        return new SceneSet(stacked, tensor(counts), tensor(boxes, new long[] { n, maxObjects, 4 }), tensor(labels, new long[] { n, maxObjects }),
                            ShapesScenes.Shapes, tensor(attrs, new long[] { n, maxObjects, 3 }), ShapesScenes.AttributeNames,
                            $"CLEVR {split} ({folder})");
    }

    static int Index(string[] names, string value, string what, string file)
    {
        int i = System.Array.IndexOf(names, value);
        return i >= 0 ? i : throw new InvalidDataException($"{file}: unknown {what} \"{value}\" (expected one of {string.Join(", ", names)})");
    }
}

// Maps a COCO folder the user supplies (annotations/instances_<split>.json and <split>/*.jpg) to
// scenes: each image resized to size×size, its non-crowd instances' boxes scaled with it, the
// category as label (the largest objects kept when there are more than maxObjects).
using System.Text.Json;
using static TorchSharp.torch;

namespace Attend.Data;

public static class Coco
{
    public static string AnnotationsFile(string folder, string split) => Path.Combine(folder, "annotations", $"instances_{split}.json");

    public static SceneSet Load(string folder, string split = "val2017", int limit = 0, int size = 128, int maxObjects = 10)
    {
        string annFile = AnnotationsFile(folder, split);
        if (!File.Exists(annFile))
            throw new FileNotFoundException($"COCO not found: expected {Runtime.RepoPaths.Display(annFile)} " +
                                            $"(and the images in {Runtime.RepoPaths.Display(Path.Combine(folder, split))}). " +
                                            "Download COCO and pass its folder.", annFile);
        using var doc = JsonFields.Parse(annFile);
        var root = doc.RootElement;
        var categories = JsonFields.Array(root, "categories", annFile).EnumerateArray()
            .Select(c => (Id: JsonFields.Int(c, "id", annFile), Name: JsonFields.Str(c, "name", annFile))).ToList();
        var categoryIndex = categories.Select((c, i) => (c.Id, i)).ToDictionary(t => t.Id, t => t.i);
        var byImage = new Dictionary<long, List<(float X, float Y, float W, float H, int Label)>>();
        foreach (var a in JsonFields.Array(root, "annotations", annFile).EnumerateArray())
        {
            if (a.TryGetProperty("iscrowd", out var crowd) && crowd.ValueKind == JsonValueKind.Number && crowd.GetInt32() == 1) continue;
            var bbox = JsonFields.Array(a, "bbox", annFile).EnumerateArray().Select(e => e.GetSingle()).ToArray();
            if (bbox.Length != 4) throw new InvalidDataException($"{annFile}: a bbox must be [x, y, width, height]");
            long cat = JsonFields.Int(a, "category_id", annFile);
            if (!categoryIndex.TryGetValue(cat, out int label))
                throw new InvalidDataException($"{annFile}: annotation with unknown category_id {cat}");
            long imageId = JsonFields.Int(a, "image_id", annFile);
            if (!byImage.TryGetValue(imageId, out var list)) byImage[imageId] = list = new();
            list.Add((bbox[0], bbox[1], bbox[2], bbox[3], label));
        }
        var imagesJson = JsonFields.Array(root, "images", annFile).EnumerateArray().ToList();
        int n = limit > 0 ? Math.Min(limit, imagesJson.Count) : imagesJson.Count;
        if (n == 0) throw new InvalidDataException($"{annFile}: no images");
        var images = new List<Tensor>();
        var counts = new long[n];
        var boxes = new float[n * maxObjects * 4];
        var labels = Enumerable.Repeat(-1L, n * maxObjects).ToArray();
        for (int i = 0; i < n; i++)
        {
            var info = imagesJson[i];
            using var image = ImageFiles.ReadRgb(Path.Combine(folder, split, JsonFields.Str(info, "file_name", annFile)));
            float sx = size / (float)image.shape[2];
            float sy = size / (float)image.shape[1];
            images.Add(ImageFiles.Resize(image, size));
            var objects = byImage.GetValueOrDefault(JsonFields.Int(info, "id", annFile)) ?? new();
            var kept = objects.OrderByDescending(o => o.W * o.H).Take(maxObjects).ToList();
            counts[i] = kept.Count;
            for (int k = 0; k < kept.Count; k++)
            {
                var o = kept[k];
                int b = (i * maxObjects + k) * 4;
                boxes[b] = o.X * sx; boxes[b + 1] = o.Y * sy; boxes[b + 2] = (o.X + o.W) * sx; boxes[b + 3] = (o.Y + o.H) * sy;
                labels[i * maxObjects + k] = o.Label;
            }
        }
        var stacked = stack(images); foreach (var t in images) t.Dispose();
        return new SceneSet(stacked, tensor(counts), tensor(boxes, new long[] { n, maxObjects, 4 }), tensor(labels, new long[] { n, maxObjects }),
                            categories.Select(c => c.Name).ToList(), description: $"COCO {split} ({folder})");
    }
}

// The CLEVR-like generator (seeded, boxes on the objects, attributes in range) and the CLEVR and
// COCO loaders, on small files the tests write: layout, scaling of positions and boxes, and clear
// errors for a missing folder, corrupt JSON, an undecodable image and unknown names.
using Attend.Data;
using SkiaSharp;

namespace Attend.Tests.Data;

public class SceneLoaderTests
{
    [Fact]
    public void Shapes_scenes_are_seeded_and_boxes_hold_their_objects()
    {
        using var a = ShapesScenes.Generate(20, seed: 3);
        using var b = ShapesScenes.Generate(20, seed: 3);
        using var c = ShapesScenes.Generate(20, seed: 4);
        Assert.Equal(new long[] { 20, 3, 128, 128 }, a.Images.shape);
        Assert.True(a.Images.eq(b.Images).all().item<bool>());
        Assert.False(a.Images.eq(c.Images).all().item<bool>());
        Assert.True(a.Counts.ge(2).all().item<bool>() && a.Counts.le(4).all().item<bool>());
        var counts = a.Counts.data<long>().ToArray();
        for (int i = 0; i < 20; i++)
            for (int k = 0; k < 4; k++)
            {
                var attrs = a.Attributes![i, k].data<long>().ToArray();
                if (k >= counts[i]) { Assert.Equal(new long[] { -1, -1, -1 }, attrs); continue; }
                Assert.InRange(attrs[0], 0, 2); Assert.InRange(attrs[1], 0, 7); Assert.InRange(attrs[2], 0, 1);
                var box = a.Boxes[i, k].data<float>().ToArray();
                Assert.Equal(2 * ShapesScenes.HalfSize((int)attrs[2], 128), box[2] - box[0], 3);
                // The object differs from the floor: its box centre is not floor-grey on all channels.
                int cx = (int)((box[0] + box[2]) / 2);
                int cy = (int)((box[1] + box[3]) / 2);
                var centre = a.Images[i, .., cy, cx].data<float>().ToArray();
                var floorBelow = a.Images[i, .., cy, 0].data<float>().ToArray();
                Assert.True(centre.Zip(floorBelow).Any(t => Math.Abs(t.First - t.Second) > 0.05), $"scene {i} object {k}: centre looks like floor");
            }
        using var distinct = ShapesScenes.Generate(30, seed: 5, new ShapesOptions(MinObjects: 3, MaxObjects: 5), distinctColours: true);
        for (int i = 0; i < 30; i++)
        {
            var colours = ShapesScenes.ColourOf(distinct)[i].data<long>().Where(v => v >= 0).ToArray();
            Assert.Equal(colours.Length, colours.Distinct().Count());
        }
    }

    static void WritePng(string path, int w, int h, SKColor fill)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bmp = new SKBitmap(w, h);
        bmp.Erase(fill);
        bmp.SetPixel(w / 2, h / 2, SKColors.White);
        using var img = SKImage.FromBitmap(bmp);
        using var data = img.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public void Clevr_loader_reads_scenes_and_crops_to_a_square()
    {
        using var d = new TempDir();
        WritePng(Path.Combine(d.Path, "images", "val", "CLEVR_val_000000.png"), 480, 320, new SKColor(128, 128, 128));
        Directory.CreateDirectory(Path.Combine(d.Path, "scenes"));
        File.WriteAllText(Clevr.ScenesFile(d.Path, "val"), """
        {"scenes": [{"image_filename": "CLEVR_val_000000.png", "objects": [
          {"shape": "cube", "color": "red", "size": "large", "material": "rubber", "pixel_coords": [240, 160, 10.5]},
          {"shape": "sphere", "color": "cyan", "size": "small", "material": "metal", "pixel_coords": [300, 100, 12.0]},
          {"shape": "cylinder", "color": "blue", "size": "small", "material": "metal", "pixel_coords": [20, 100, 9.0]}]}]}
        """);
        using var s = Clevr.Load(d.Path, "val", size: 64);
        Assert.Equal(new long[] { 1, 3, 64, 64 }, s.Images.shape);
        Assert.Equal(2, s.Counts[0].item<long>());                  // x = 20 lies outside the centred 320² crop
        // Nearest first: the cube (depth 10.5) at (240 − 80, 160) · 64/320 = (32, 32).
        var box = s.Boxes[0, 0].data<float>().ToArray();
        Assert.Equal(32, (box[0] + box[2]) / 2, 3);
        Assert.Equal(32, (box[1] + box[3]) / 2, 3);
        Assert.Equal(new long[] { 1, 1, 1 }, s.Attributes![0, 0].data<long>().ToArray());   // cube, red, large
        Assert.Equal(new long[] { 0, 6, 0 }, s.Attributes![0, 1].data<long>().ToArray());   // sphere, cyan, small
        Assert.Equal(128 / 255f, s.Images[0, 0, 5, 5].item<float>(), 2);
    }

    [Fact]
    public void Clevr_loader_errors_name_what_is_wrong()
    {
        using var d = new TempDir();
        var missing = Assert.Throws<FileNotFoundException>(() => Clevr.Load(d.Path));
        Assert.Contains("CLEVR_val_scenes.json", missing.Message);
        Directory.CreateDirectory(Path.Combine(d.Path, "scenes"));
        File.WriteAllText(Clevr.ScenesFile(d.Path, "val"), "{\"scenes\": [");
        Assert.Contains("not valid JSON", Assert.Throws<InvalidDataException>(() => Clevr.Load(d.Path)).Message);
        File.WriteAllText(Clevr.ScenesFile(d.Path, "val"), """{"scenes": [{"image_filename": "x.png", "objects": []}]}""");
        Directory.CreateDirectory(Path.Combine(d.Path, "images", "val"));
        File.WriteAllText(Path.Combine(d.Path, "images", "val", "x.png"), "not a png");
        Assert.Contains("could not be decoded", Assert.Throws<InvalidDataException>(() => Clevr.Load(d.Path)).Message);
        WritePng(Path.Combine(d.Path, "images", "val", "x.png"), 48, 32, SKColors.Gray);
        File.WriteAllText(Clevr.ScenesFile(d.Path, "val"),
                          """{"scenes": [{"image_filename": "x.png", "objects": [""" +
                          """{"shape": "torus", "color": "red", "size": "large", "pixel_coords": [1, 1, 1]}]}]}""");
        Assert.Contains("unknown shape \"torus\"", Assert.Throws<InvalidDataException>(() => Clevr.Load(d.Path)).Message);
    }

    [Fact]
    public void Coco_loader_scales_boxes_skips_crowds_and_keeps_the_largest()
    {
        using var d = new TempDir();
        WritePng(Path.Combine(d.Path, "val2017", "000000000001.jpg"), 200, 100, SKColors.Black);   // PNG bytes under a .jpg name: decoded by content
        Directory.CreateDirectory(Path.Combine(d.Path, "annotations"));
        File.WriteAllText(Coco.AnnotationsFile(d.Path, "val2017"), """
        {"images": [{"id": 1, "file_name": "000000000001.jpg", "width": 200, "height": 100}],
         "categories": [{"id": 18, "name": "dog"}, {"id": 3, "name": "car"}],
         "annotations": [
           {"image_id": 1, "bbox": [20, 10, 100, 50], "category_id": 3, "iscrowd": 0},
           {"image_id": 1, "bbox": [0, 0, 10, 10], "category_id": 18, "iscrowd": 0},
           {"image_id": 1, "bbox": [0, 0, 200, 100], "category_id": 18, "iscrowd": 1},
           {"image_id": 1, "bbox": [150, 50, 20, 40], "category_id": 18, "iscrowd": 0}]}
        """);
        using var s = Coco.Load(d.Path, size: 100, maxObjects: 2);
        Assert.Equal(new long[] { 1, 3, 100, 100 }, s.Images.shape);
        Assert.Equal(2, s.Counts[0].item<long>());
        Assert.Equal(new[] { "dog", "car" }, s.LabelNames);
        // Largest first: the car, x scaled by 100/200, y by 100/100.
        Assert.Equal(new float[] { 10, 10, 60, 60 }, s.Boxes[0, 0].data<float>().ToArray());
        Assert.Equal(1, s.Labels[0, 0].item<long>());
        Assert.Equal(new float[] { 75, 50, 85, 90 }, s.Boxes[0, 1].data<float>().ToArray());
        Assert.Equal(0, s.Labels[0, 1].item<long>());
        File.WriteAllText(Coco.AnnotationsFile(d.Path, "val2017"),
                          """{"images": [], "categories": [], "annotations": [{"image_id": 1, "bbox": [0, 0, 1, 1], "category_id": 5}]}""");
        Assert.Contains("unknown category_id 5", Assert.Throws<InvalidDataException>(() => Coco.Load(d.Path)).Message);
        Assert.Contains("instances_train2017.json", Assert.Throws<FileNotFoundException>(() => Coco.Load(d.Path, "train2017")).Message);
    }
}

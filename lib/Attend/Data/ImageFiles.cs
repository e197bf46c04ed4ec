// Maps an image file (PNG, JPEG, …, decoded by SkiaSharp) to a float RGB tensor, and a tensor to
// a square of a chosen size, for the CLEVR and COCO loaders.
using SkiaSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Data;

public static class ImageFiles
{
    /// <summary>The file as [3, H, W] in [0, 1]; a clear error for a missing or undecodable file.</summary>
    public static Tensor ReadRgb(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image {path} does not exist", path);
        using var bitmap = SKBitmap.Decode(path)
                           ?? throw new InvalidDataException($"image {path} could not be decoded (not a PNG/JPEG/… file, or corrupt)");
        int w = bitmap.Width;
        int h = bitmap.Height;
        var px = new float[3 * h * w];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            var c = bitmap.GetPixel(x, y);
            px[y * w + x] = c.Red / 255f; px[(h + y) * w + x] = c.Green / 255f; px[(2 * h + y) * w + x] = c.Blue / 255f;
        }
        return tensor(px, new long[] { 3, h, w });
    }

    /// <summary>[3, H, W] → [3, size, size]: the window (left, top, side) resized with antialiasing.</summary>
    public static Tensor CropResize(Tensor image, int left, int top, int side, int size)
    {
        using var _ = NewDisposeScope();
        var crop = image.narrow(1, top, side).narrow(2, left, side).unsqueeze(0);
        return F.interpolate(crop, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true)
                .squeeze(0).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>[3, H, W] → [3, size, size], stretched (COCO: every box stays in the image).</summary>
    public static Tensor Resize(Tensor image, int size)
    {
        using var _ = NewDisposeScope();
        return F.interpolate(image.unsqueeze(0), new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true)
                .squeeze(0).clamp(0, 1).MoveToOuterDisposeScope();
    }
}

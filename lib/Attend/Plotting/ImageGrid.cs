// Maps image tensors [N, C, H, W] (grey or RGB, values in [0, 1]) to a PNG grid with
// optional attention boxes and per-image captions, for glimpse and AIR figures.
using SkiaSharp;
using static TorchSharp.torch;

namespace Attend.Plotting;

/// <summary>A box to draw on one image: corners in pixel edge coordinates, and a colour.</summary>
public sealed record Box(float X0, float Y0, float X1, float Y1, string Colour = "#ff3030");

/// <summary>A closed outline to draw on one image (a rotated box, a predicted quadrilateral): its corners
/// (x, y) in pixel edge coordinates, in order, and a colour.</summary>
public sealed record Outline(IReadOnlyList<(float X, float Y)> Corners, string Colour = "#ff3030");

public static class ImageGrid
{
    /// <summary>Renders images in rows of <paramref name="columns"/>, each scaled by <paramref name="scale"/>
    /// (nearest neighbour, so pixels stay visible); boxes[i] and captions[i] belong to image i;
    /// rowLabels[r] is written left of row r; outlines[i] are closed polygons drawn on image i.</summary>
    public static Figure Render(Tensor images, int columns, int scale = 4, IReadOnlyList<IReadOnlyList<Box>>? boxes = null,
                                IReadOnlyList<string>? captions = null, IReadOnlyList<string>? rowLabels = null,
                                IReadOnlyList<IReadOnlyList<Outline>>? outlines = null)
    {
        if (images.dim() != 4 || (images.shape[1] != 1 && images.shape[1] != 3))
            throw new ArgumentException($"images: expected [N, 1 or 3, H, W], got [{string.Join(", ", images.shape)}]");
        if (columns < 1 || scale < 1) throw new ArgumentException("columns and scale must be positive");
        int n = (int)images.shape[0];
        int c = (int)images.shape[1];
        int h = (int)images.shape[2];
        int w = (int)images.shape[3];
        int rows = (n + columns - 1) / columns;
        int pad = 4;
        int captionH = captions != null ? 16 : 0;
        using var font = new SKFont(SKTypeface.Default, 12);
        // Row labels get the room the longest one needs (at least 90 px, so short labels keep the former layout).
        int labelW = rowLabels is { Count: > 0 } ? Math.Max(90, (int)Math.Ceiling(rowLabels.Max(l => font.MeasureText(l))) + 8) : 0;
        int cellW = w * scale + pad;
        int cellH = h * scale + pad + captionH;
        int width = labelW + columns * cellW + pad;
        int height = rows * cellH + pad;
        var pixels = images.detach().cpu().to_type(ScalarType.Float32).clamp(0, 1).mul(255).round().to_type(ScalarType.Byte)
                     .contiguous().data<byte>().ToArray();
        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var textPaint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var img = new SKBitmap(w, h);
        for (int i = 0; i < n; i++)
        {
            int r = i / columns;
            int col = i % columns;
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                byte R = pixels[((long)i * c * h + y) * w + x];
                byte G = R;
                byte B = R;
                if (c == 3) { G = pixels[(((long)i * c + 1) * h + y) * w + x]; B = pixels[(((long)i * c + 2) * h + y) * w + x]; }
                img.SetPixel(x, y, new SKColor(R, G, B));
            }
            float left = labelW + pad + col * cellW;
            float top = pad + r * cellH;
            canvas.DrawBitmap(img, new SKRect(left, top, left + w * scale, top + h * scale), new SKPaint { IsAntialias = false });
            if (boxes != null && i < boxes.Count)
                foreach (var b in boxes[i])
                {
                    using var stroke = Stroke(b.Colour);
                    canvas.DrawRect(new SKRect(left + b.X0 * scale, top + b.Y0 * scale, left + b.X1 * scale, top + b.Y1 * scale), stroke);
                }
            if (outlines != null && i < outlines.Count)
                foreach (var o in outlines[i])
                {
                    using var stroke = Stroke(o.Colour);
                    using var path = new SKPath();
                    path.AddPoly(o.Corners.Select(c => new SKPoint(left + c.X * scale, top + c.Y * scale)).ToArray(), close: true);
                    canvas.DrawPath(path, stroke);
                }
            if (captions != null && i < captions.Count)
                canvas.DrawText(captions[i], left, top + h * scale + 13, SKTextAlign.Left, font, textPaint);
        }
        if (rowLabels is { Count: > 0 })
            for (int r = 0; r < Math.Min(rows, rowLabels.Count); r++)
                canvas.DrawText(rowLabels[r], pad, pad + r * cellH + h * scale / 2f, SKTextAlign.Left, font, textPaint);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new Figure(data.ToArray(), width, height);
    }

    static SKPaint Stroke(string colour) => new()
    {
        Color = SKColor.Parse(colour),
        Style = SKPaintStyle.Stroke,
        StrokeWidth = 1.5f,
        IsAntialias = true
    };
}

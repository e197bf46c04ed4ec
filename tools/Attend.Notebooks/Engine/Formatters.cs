// Maps a value a cell shows to a MIME bundle: text/plain always, image/png for PNG bytes,
// SkiaSharp images and ScottPlot plots, charts through ChartFormatters, text/html for
// objects with ToHtml(), TorchSharp tensors as their printed values, dictionaries and 2-D arrays
// as tables (TableFormatters). Types from packages the engine does not reference are recognised
// by name and called by reflection. What a notebook registers with .NET Interactive's Formatter
// comes first; objects, records and sequences of them show as its tables (InteractiveFormatting).
using System.Collections;
using System.Reflection;

namespace Attend.Notebooks.Engine;

public static class Formatters
{
    static readonly byte[] PngMagic = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    /// <summary>The bundle in exactly <paramref name="mimeTypes"/> and text/plain (as display(x, mimeTypes)
    /// in .NET Interactive): the engine's own rendering where it has that type, else the formatting package's.</summary>
    public static MimeBundle Format(object? value, IReadOnlyCollection<string> mimeTypes)
    {
        if (mimeTypes.Count == 0) return Format(value);
        var own = Format(value);
        var b = new MimeBundle();
        foreach (var mime in mimeTypes.Append(InteractiveFormatting.PlainText).Distinct())
            b[mime] = own.TryGetValue(mime, out var text) ? text : InteractiveFormatting.Format(value, new[] { mime })[mime];
        return b;
    }

    public static MimeBundle Format(object? value)
    {
        var b = new MimeBundle();
        if (value == null) { b["text/plain"] = "<null>"; return b; }
        if (ChartFormatters.Format(value) is { } chart) return chart;
        var type = value.GetType();
        if (InteractiveFormatting.Customised(type)) return InteractiveFormatting.Format(value);
        byte[]? png = AsPng(value, type);
        if (png != null)
        {
            b["image/png"] = Convert.ToBase64String(png);
            b["text/plain"] = $"<{type.Name}: PNG image, {png.Length:N0} bytes>";
            return b;
        }
        if (TableFormatters.Format(value) is var (tableText, tableHtml))
        {
            b["text/html"] = tableHtml;
            b["text/plain"] = tableText;
            return b;
        }
        string? html = AsHtml(value, type);
        if (html == null && InteractiveFormatting.ShowsAsTable(value)) return InteractiveFormatting.Format(value);
        if (html != null) b["text/html"] = html;
        b["text/plain"] = AsText(value, type);
        return b;
    }

    static byte[]? AsPng(object value, Type type)
    {
        if (value is byte[] bytes) return bytes.AsSpan().StartsWith(PngMagic) ? bytes : null;
        // Convention for the project's own figure types.
        if (type.GetMethod("ToPng", Type.EmptyTypes) is { } toPng && toPng.ReturnType == typeof(byte[])) return (byte[]?)toPng.Invoke(value, null);
        switch (type.FullName)
        {
            case "SkiaSharp.SKBitmap":
            case "SkiaSharp.SKImage":
                var format = type.Assembly.GetType("SkiaSharp.SKEncodedImageFormat")!;
                var encode = type.GetMethod("Encode", new[] { format, typeof(int) })!;
                using (var data = (IDisposable)encode.Invoke(value, new[] { Enum.Parse(format, "Png"), (object)100 })!)
                    return (byte[])data.GetType().GetMethod("ToArray", Type.EmptyTypes)!.Invoke(data, null)!;
            case "ScottPlot.Plot":
                var imageFormat = type.Assembly.GetType("ScottPlot.ImageFormat")!;
                var get = type.GetMethod("GetImageBytes", new[] { typeof(int), typeof(int), imageFormat })!;
                return (byte[])get.Invoke(value, new[] { (object)600, 400, Enum.Parse(imageFormat, "Png") })!;
        }
        return null;
    }

    static string? AsHtml(object value, Type type)
    {
        if (type.GetMethod("ToHtml", Type.EmptyTypes) is { } toHtml && toHtml.ReturnType == typeof(string))
            return (string?)toHtml.Invoke(value, null);
        return null;
    }

    static string AsText(object value, Type type)
    {
        if (value is string s) return s;
        if (type.FullName == "TorchSharp.torch+Tensor")
        {
            var str = type.Assembly.GetType("TorchSharp.TensorExtensionMethods")
                ?.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(m => m.Name == "str");
            if (str != null) return (string)str.Invoke(null, str.GetParameters().Select((p, i) => i == 0 ? value : Type.Missing).ToArray())!;
        }
        if (value is IEnumerable e && value is not IDictionary && type.GetMethod("ToString", Type.EmptyTypes)?.DeclaringType == typeof(object))
        {
            var items = e.Cast<object?>().Take(101).Select(x => x?.ToString() ?? "<null>").ToList();
            return "[" + string.Join(", ", items.Take(100)) + (items.Count > 100 ? ", …" : "") + "]";
        }
        return value.ToString() ?? "";
    }
}

// Maps .NET Interactive's display extension methods (x.Display(), s.DisplayAs(mime),
// items.DisplayTable()) to the engine's displays, so notebooks written for it run unchanged.
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.Formatting.TabularData;

namespace Attend.Notebooks.Engine;

public static class DisplayExtensions
{
    /// <summary>Displays the value, in the MIME types given or else its preferred ones.</summary>
    public static DisplayHandle Display(this object? value, params string[] mimeTypes) => DisplayContext.Show(value, mimeTypes);

    /// <summary>Displays already-formatted text as <paramref name="mimeType"/> (text/plain carries the same text).</summary>
    public static DisplayHandle DisplayAs(this string value, string mimeType)
    {
        var bundle = new MimeBundle { [mimeType] = value };
        bundle.TryAdd(InteractiveFormatting.PlainText, value);
        return DisplayContext.Show(bundle, new[] { mimeType });
    }

    /// <summary>Displays a sequence as one table, a column per property and a row per item: .NET
    /// Interactive's tabular data resource as HTML, and the same table as aligned text.</summary>
    public static DisplayHandle DisplayTable<T>(this IEnumerable<T> value, params string[] mimeTypes)
    {
        if (value is null || mimeTypes.Length > 0) return DisplayContext.Show(value?.ToTabularDataResource(), mimeTypes);
        var resource = value.ToTabularDataResource();
        var header = resource.Schema.Fields.Select(f => f.Name).ToArray();
        var rows = resource.Data.Select(row => row.ToDictionary(c => c.Key, c => c.Value))
            .Select(row => header.Select(h => TableFormatters.Show(row.GetValueOrDefault(h))).ToArray()).ToList();
        var bundle = new MimeBundle
        {
            ["text/html"] = resource.ToDisplayString("text/html"),
            [InteractiveFormatting.PlainText] = TableFormatters.Table(header, rows, rows.Count, $"{typeof(T).Name} ({rows.Count} rows)").Text,
        };
        return DisplayContext.Show(bundle, new[] { "text/html" });
    }
}

// Maps dictionaries and two-dimensional arrays to what a notebook shows for them: a key/value
// table and a grid, as HTML for front ends and as aligned text (text/plain) for everything else.
// Large values are cut, with the cut said, so a big collection cannot flood the output.
using System.Collections;
using System.Net;
using System.Text;

namespace Attend.Notebooks.Engine;

public static class TableFormatters
{
    /// <summary>Rows and columns shown at most; the rest is summarised.</summary>
    public const int MaxRows = 100;
    public const int MaxColumns = 30;

    /// <summary>(text/plain, text/html) for a dictionary or a rank-2 array, else null.</summary>
    public static (string Text, string Html)? Format(object value) => value switch
    {
        IDictionary d => Table(new[] { "key", "value" }, Entries(d), d.Count, $"{d.GetType().Name.Split('`')[0]} ({d.Count} entries)"),
        Array { Rank: 2 } a => Grid(a),
        _ => null,
    };

    static IEnumerable<string[]> Entries(IDictionary d)
    {
        foreach (DictionaryEntry e in d) yield return new[] { Show(e.Key), Show(e.Value) };
    }

    static (string, string) Grid(Array a)
    {
        int rows = a.GetLength(0);
        int columns = a.GetLength(1);
        int shownColumns = Math.Min(columns, MaxColumns);
        var header = new[] { "" }.Concat(Enumerable.Range(0, shownColumns).Select(j => $"[{j}]")).ToArray();
        var body = Enumerable.Range(0, rows).Select(i =>
            new[] { $"[{i}]" }.Concat(Enumerable.Range(0, shownColumns).Select(j => Show(a.GetValue(i, j)))).ToArray());
        string title = $"{a.GetType().GetElementType()!.Name}[{rows}, {columns}]" + (columns > shownColumns ? $", first {shownColumns} columns" : "");
        return Table(header, body, rows, title);
    }

    /// <summary>(text/plain, text/html) for rows of cells under a header; <paramref name="count"/> rows in all.</summary>
    internal static (string Text, string Html) Table(string[] header, IEnumerable<string[]> rows, int count, string title)
    {
        var shown = rows.Take(MaxRows).ToList();
        string more = count > shown.Count ? $"… {count - shown.Count} more rows" : "";
        return (Text(title, header, shown, more), Html(header, shown, more));
    }

    static string Text(string title, string[] header, List<string[]> rows, string more)
    {
        var widths = header.Select((h, j) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[j].Length))).ToArray();
        var sb = new StringBuilder(title);
        foreach (var r in new[] { header }.Concat(rows))
            sb.Append('\n').Append(string.Join("  ", r.Select((c, j) => c.PadLeft(widths[j]))).TrimEnd());
        if (more.Length > 0) sb.Append('\n').Append(more);
        return sb.ToString();
    }

    static string Html(string[] header, List<string[]> rows, string more)
    {
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (var h in header) sb.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var r in rows)
        {
            sb.Append("<tr>");
            foreach (var c in r) sb.Append("<td>").Append(WebUtility.HtmlEncode(c)).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (more.Length > 0) sb.Append("<p>").Append(WebUtility.HtmlEncode(more)).Append("</p>");
        return sb.ToString();
    }

    internal static string Show(object? v) => v switch
    {
        null => "<null>",
        string s => s,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.CurrentCulture),
        _ => v.ToString() ?? "",
    };
}

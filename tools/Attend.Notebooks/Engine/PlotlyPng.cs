// Maps a plotly.js figure to a PNG drawn with ScottPlot, for viewers that run no JavaScript
// (GitHub, untrusted notebooks, nbconvert without scripts). Hand-written because no package served
// here renders plotly.js figures without a browser (Plotly.NET.ImageExport needs a headless
// Chromium download). It draws the common trace types: scatter (lines, markers), bar and heatmap,
// with titles, axis labels, categorical axes and log axes; other trace types are named in the title.
using System.Text.Json.Nodes;
using ScottPlot;

namespace Attend.Notebooks.Engine;

public static class PlotlyPng
{
    public static byte[] Render(JsonObject figure)
    {
        var layout = figure["layout"] as JsonObject ?? new JsonObject();
        var plot = new Plot();
        var categories = new List<string>();
        var skipped = new SortedSet<string>();
        bool logY = Text(Field(layout, "yaxis", "type")) == "log";
        bool named = false;
        foreach (var trace in PlotlyFigures.Traces(figure).OfType<JsonObject>())
        {
            string type = Text(trace["type"]) ?? "scatter";
            string? name = Text(trace["name"]);
            named |= name != null;
            switch (type)
            {
                case "scatter" or "scattergl":
                    AddScatter(plot, trace, name, categories, logY);
                    break;
                case "bar":
                    AddBars(plot, trace, name, categories, logY);
                    break;
                case "heatmap":
                    AddHeatmap(plot, trace);
                    break;
                default:
                    skipped.Add(type);
                    break;
            }
        }
        string title = Text(Field(layout, "title", "text")) ?? "";
        if (skipped.Count > 0) title += $" ({string.Join(", ", skipped)} not drawn in this image)";
        if (title.Length > 0) plot.Title(title);
        if (Text(Field(layout, "xaxis", "title", "text")) is { } x) plot.XLabel(x);
        if (Text(Field(layout, "yaxis", "title", "text")) is { } y) plot.YLabel(y);
        if (categories.Count > 0)
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());
        if (logY) plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => $"{Math.Pow(10, v):G3}" };
        if (named) plot.ShowLegend();
        int width = Size(layout["width"], 640);
        int height = Size(layout["height"], 420);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    static void AddScatter(Plot plot, JsonObject trace, string? name, List<string> categories, bool logY)
    {
        var ys = Numbers(trace["y"], logY);
        var xs = Positions(trace["x"], ys.Length, categories);
        var scatter = plot.Add.Scatter(xs, ys);
        string mode = Text(trace["mode"]) ?? (ys.Length <= 20 ? "lines+markers" : "lines");
        if (!mode.Contains("lines")) scatter.LineWidth = 0;
        if (!mode.Contains("markers")) scatter.MarkerSize = 0;
        if (name != null) scatter.LegendText = name;
    }

    static void AddBars(Plot plot, JsonObject trace, string? name, List<string> categories, bool logY)
    {
        bool horizontal = Text(trace["orientation"]) == "h";
        var values = Numbers(horizontal ? trace["x"] : trace["y"], logY && !horizontal);
        var positions = Positions(horizontal ? trace["y"] : trace["x"], values.Length, categories);
        var bars = plot.Add.Bars(positions, values);
        bars.Horizontal = horizontal;
        if (name != null) bars.LegendText = name;
    }

    static void AddHeatmap(Plot plot, JsonObject trace)
    {
        var rows = (trace["z"] as JsonArray ?? new JsonArray()).Select(r => Numbers(r, false)).ToList();
        int columns = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        var z = new double[rows.Count, columns];
        // plotly.js puts z[0] at the bottom; ScottPlot's first row is the top one.
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < columns; c++)
                z[rows.Count - 1 - r, c] = c < rows[r].Length ? rows[r][c] : double.NaN;
        var heatmap = plot.Add.Heatmap(z);
        plot.Add.ColorBar(heatmap);
    }

    /// <summary>Plotly's x values: numbers as they are, strings as category positions 0, 1, … shared by all traces.</summary>
    static double[] Positions(JsonNode? node, int count, List<string> categories)
    {
        if (node is not JsonArray a || a.Count == 0) return Enumerable.Range(0, count).Select(i => (double)i).ToArray();
        if (a.All(v => v is JsonValue jv && jv.GetValueKind() == System.Text.Json.JsonValueKind.Number)) return Numbers(a, false);
        return a.Select(v =>
        {
            string label = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? "";
            int i = categories.IndexOf(label);
            if (i < 0) { categories.Add(label); i = categories.Count - 1; }
            return (double)i;
        }).ToArray();
    }

    static double[] Numbers(JsonNode? node, bool log10)
        => (node as JsonArray ?? new JsonArray()).Select(v => log10 ? Math.Log10(Number(v)) : Number(v)).ToArray();

    /// <summary>A JSON number (parsed, or set from any CLR number type); NaN for null, a gap as in plotly.js.</summary>
    static double Number(JsonNode? node)
        => node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : double.NaN;

    static int Size(JsonNode? node, int fallback) => Number(node) is var d && d >= 100 && d <= 4000 ? (int)d : fallback;

    static JsonNode? Field(JsonNode? node, params string[] path)
    {
        foreach (var key in path) node = (node as JsonObject)?[key];
        return node;
    }

    static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

// Maps the chart objects a cell can show to a plotly.js figure ({data, layout}): Plotly.NET's
// GenericChart (also built through Plotly.NET.CSharp), XPlot.Plotly's PlotlyChart, and any object
// with a ToPlotly() method returning figure JSON (the library's figures). The packages are
// recognised by type name and called by reflection, as the engine references neither.
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Attend.Notebooks.Engine;

public static partial class PlotlyFigures
{
    /// <summary>The figure of <paramref name="value"/>, or null when it is no chart.</summary>
    public static JsonObject? TryGet(object value)
    {
        var type = value.GetType();
        string? json = null;
        if (type.GetMethod("ToPlotly", Type.EmptyTypes) is { } toPlotly && toPlotly.ReturnType == typeof(string))
            json = (string?)toPlotly.Invoke(value, null);
        else if (type.FullName?.StartsWith("Plotly.NET.GenericChart", StringComparison.Ordinal) == true)
            json = PlotlyNetJson(value, type);
        else if (type.FullName == "XPlot.Plotly.PlotlyChart")
            return XPlotFigure(value, type);
        if (json == null) return null;
        return Normalise(Parse(json, type));
    }

    /// <summary>The traces of a figure (its data array).</summary>
    public static JsonArray Traces(JsonObject figure) => figure["data"] as JsonArray ?? new JsonArray();

    static string? PlotlyNetJson(object chart, Type type)
    {
        var module = type.Assembly.GetType("Plotly.NET.GenericChart");
        var toJson = module?.GetMethod("toFigureJson", BindingFlags.Public | BindingFlags.Static);
        return (string?)toJson?.Invoke(null, new[] { chart });
    }

    // XPlot keeps its traces and layout in F# fields; its public GetPlottingJS() writes them as
    // `var data = …; var layout = …;`, the one stable place to read them from.
    [GeneratedRegex(@"var data = (?<data>.*?);\s*var layout = (?<layout>.*?);\s*Plotly\.newPlot", RegexOptions.Singleline)]
    private static partial Regex XPlotScript();

    static JsonObject XPlotFigure(object chart, Type type)
    {
        string js = (string?)type.GetMethod("GetPlottingJS", Type.EmptyTypes)?.Invoke(chart, null) ?? "";
        var m = XPlotScript().Match(js);
        if (!m.Success) throw new InvalidOperationException("XPlot.Plotly's GetPlottingJS() no longer has the `var data = …; var layout = …;` form");
        var layout = JsonNode.Parse(m.Groups["layout"].Value) as JsonObject ?? new JsonObject();   // "" when no layout was set
        if (type.GetProperty("Width")?.GetValue(chart) is int w && !layout.ContainsKey("width")) layout["width"] = w;
        if (type.GetProperty("Height")?.GetValue(chart) is int h && !layout.ContainsKey("height")) layout["height"] = h;
        var figure = new JsonObject { ["data"] = JsonNode.Parse(m.Groups["data"].Value), ["layout"] = layout };
        return Normalise(figure);
    }

    static JsonObject Parse(string json, Type type)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject o && o["data"] is JsonArray) return o;
        }
        catch (System.Text.Json.JsonException) { }
        throw new InvalidOperationException($"{type.Name} gave no plotly figure JSON (expected an object with a data array)");
    }

    // Keeps data and layout only (Plotly.NET adds frames, unused here), and rewrites the string titles
    // of plotly.js 1.x (XPlot writes them) as {text: …}, the only form plotly.js 3 and later read.
    static JsonObject Normalise(JsonObject figure)
    {
        var layout = figure["layout"] as JsonObject ?? new JsonObject();
        foreach (var key in layout.Select(p => p.Key).ToList())
        {
            if (key == "title" || key.StartsWith("xaxis", StringComparison.Ordinal) || key.StartsWith("yaxis", StringComparison.Ordinal))
            {
                var owner = key == "title" ? layout : layout[key] as JsonObject;
                if (owner?["title"] is JsonValue v && v.TryGetValue<string>(out var text)) owner["title"] = new JsonObject { ["text"] = text };
            }
        }
        return new JsonObject { ["data"] = figure["data"]?.DeepClone() ?? new JsonArray(), ["layout"] = layout.DeepClone() };
    }
}

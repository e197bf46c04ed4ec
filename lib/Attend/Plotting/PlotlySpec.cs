// Maps a figure's data (lines, bars, heatmaps, axis titles) to plotly.js figure JSON
// ({data, layout}), which the notebook engine draws as an interactive chart beside the figure's
// PNG. Written with System.Text.Json rather than Plotly.NET: these figures need a few trace fields,
// and Plotly.NET would add FSharp.Core to the library and a 7 KB style template to every chart.
using System.Text.Json.Nodes;

namespace Attend.Plotting;

public sealed class PlotlySpec
{
    readonly JsonArray traces = new();
    readonly JsonObject layout;

    public PlotlySpec(string title, string xLabel, string yLabel, int width, int height)
    {
        layout = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = title, ["x"] = 0.02, ["xanchor"] = "left" },   // the right keeps room for buttons
            ["xaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = xLabel } },
            ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = yLabel } },
            ["width"] = width,
            ["height"] = height,
            ["hovermode"] = "x unified",   // one hover label lists every series at the pointed x
        };
    }

    public PlotlySpec Line(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        traces.Add(new JsonObject
        {
            ["type"] = "scatter", ["mode"] = x.Count <= 30 ? "lines+markers" : "lines", ["name"] = name, ["x"] = Numbers(x), ["y"] = Numbers(y),
        });
        return this;
    }

    public PlotlySpec Bar(string name, IReadOnlyList<string> categories, IReadOnlyList<double> values)
    {
        traces.Add(new JsonObject
        {
            ["type"] = "bar", ["name"] = name, ["x"] = new JsonArray(categories.Select(c => (JsonNode)c).ToArray()), ["y"] = Numbers(values),
        });
        return this;
    }

    /// <summary>A matrix drawn as in an image: row 0 at the top.</summary>
    public PlotlySpec Heatmap(double[,] z, IReadOnlyList<string>? columns = null, IReadOnlyList<string>? rows = null)
    {
        var rowArrays = Enumerable.Range(0, z.GetLength(0))
            .Select(r => (JsonNode)Numbers(Enumerable.Range(0, z.GetLength(1)).Select(c => z[r, c]).ToList())).ToArray();
        var trace = new JsonObject { ["type"] = "heatmap", ["z"] = new JsonArray(rowArrays), ["colorscale"] = "Viridis" };
        if (columns != null) trace["x"] = new JsonArray(columns.Select(c => (JsonNode)c).ToArray());
        if (rows != null) trace["y"] = new JsonArray(rows.Select(c => (JsonNode)c).ToArray());
        traces.Add(trace);
        layout["yaxis"]!["autorange"] = "reversed";
        layout["hovermode"] = "closest";
        return this;
    }

    /// <summary>Buttons above the chart that switch the y axis between linear and log scale.</summary>
    public PlotlySpec LogToggle()
    {
        JsonObject Button(string scale) => new()
        {
            ["label"] = $"{scale} y", ["method"] = "relayout", ["args"] = new JsonArray(new JsonObject { ["yaxis.type"] = scale }),
        };
        layout["updatemenus"] = new JsonArray(new JsonObject
        {
            ["type"] = "buttons", ["direction"] = "left", ["showactive"] = true,
            ["x"] = 1, ["xanchor"] = "right", ["y"] = 1.02, ["yanchor"] = "bottom",
            ["buttons"] = new JsonArray(Button("linear"), Button("log")),
        });
        return this;
    }

    public string ToJson() => new JsonObject { ["data"] = traces.DeepClone(), ["layout"] = layout.DeepClone() }.ToJsonString();

    /// <summary>Six significant digits keep the notebook small; NaN and infinities become null (a gap), which JSON can hold.</summary>
    static JsonArray Numbers(IReadOnlyList<double> values)
        => new(values.Select(v => double.IsFinite(v) ? (JsonNode)double.Parse(v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
                                                                               System.Globalization.CultureInfo.InvariantCulture) : null).ToArray());
}

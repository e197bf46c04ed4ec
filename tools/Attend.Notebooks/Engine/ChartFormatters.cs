// Maps a chart (Plotly.NET, XPlot.Plotly, or a library figure with ToPlotly()) to one output
// bundle that every viewer can show: application/vnd.plotly.v1+json ({data, layout}) for VS Code
// and JupyterLab's plotly renderer, text/html that draws it offline in Jupyter Notebook and
// JupyterLab (PlotlyHtml), image/png for viewers without JavaScript (the figure's own ToPng(), else
// PlotlyPng), and a one-line text/plain.
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Engine;

public static class ChartFormatters
{
    public const string PlotlyMime = "application/vnd.plotly.v1+json";

    /// <summary>The chart bundle of <paramref name="value"/>, or null when it is no chart.</summary>
    public static MimeBundle? Format(object value)
    {
        var figure = PlotlyFigures.TryGet(value);
        if (figure == null) return null;
        var traces = PlotlyFigures.Traces(figure);
        var png = value.GetType().GetMethod("ToPng", Type.EmptyTypes) is { } toPng && toPng.ReturnType == typeof(byte[])
            ? (byte[]?)toPng.Invoke(value, null)
            : null;
        string base64 = Convert.ToBase64String(png ?? PlotlyPng.Render(figure));
        var kinds = traces.Select(t => (t as JsonObject)?["type"]?.GetValue<string>() ?? "scatter").Distinct();
        return new MimeBundle
        {
            [PlotlyMime] = figure.ToJsonString(),
            ["text/html"] = PlotlyHtml.Render(figure, base64),
            ["image/png"] = base64,
            ["text/plain"] = $"<{value.GetType().Name}: chart with {traces.Count} trace(s): {string.Join(", ", kinds)}>",
        };
    }
}

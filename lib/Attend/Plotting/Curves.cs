// Maps named series (epoch → value) to a line chart figure: learning curves of the
// notebooks' experiments, drawn with ScottPlot for the PNG and as a plotly.js chart whose
// hover label reads every series' value at an epoch.
namespace Attend.Plotting;

public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

public static class Curves
{
    /// <summary>One line per series; <paramref name="logToggle"/> adds linear/log buttons for the y axis to the
    /// interactive chart (loss terms of different scales).</summary>
    public static Figure Render(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, int width = 640, int height = 400,
                                bool logToggle = false)
    {
        if (series.Count == 0) throw new ArgumentException("at least one series is needed");
        foreach (var s in series)
            if (s.X.Count != s.Y.Count || s.X.Count == 0)
                throw new ArgumentException($"series '{s.Name}': {s.X.Count} x values and {s.Y.Count} y values");
        var plot = new ScottPlot.Plot();
        var spec = new PlotlySpec(title, xLabel, yLabel, width, height);
        foreach (var s in series)
        {
            var line = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray());
            line.LegendText = s.Name;
            spec.Line(s.Name, s.X, s.Y);
        }
        if (logToggle) spec.LogToggle();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend();
        return new Figure(plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png), width, height, spec.ToJson());
    }
}

// Maps values per category (one group of bars per series) to a bar chart figure, drawn with
// ScottPlot for the PNG and as a plotly.js chart that reads each bar's value on hover.
namespace Attend.Plotting;

public sealed record BarGroup(string Name, IReadOnlyList<double> Values);

public static class Bars
{
    public static Figure Render(string title, string xLabel, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<BarGroup> groups,
                                int width = 640, int height = 400)
    {
        if (categories.Count == 0 || groups.Count == 0) throw new ArgumentException("at least one category and one group of bars are needed");
        foreach (var g in groups)
            if (g.Values.Count != categories.Count)
                throw new ArgumentException($"bar group '{g.Name}': {g.Values.Count} values for {categories.Count} categories");
        var plot = new ScottPlot.Plot();
        var spec = new PlotlySpec(title, xLabel, yLabel, width, height);
        double size = 0.8 / groups.Count;
        for (int k = 0; k < groups.Count; k++)
        {
            double offset = (k - (groups.Count - 1) / 2.0) * size;
            var positions = Enumerable.Range(0, categories.Count).Select(i => i + offset).ToArray();
            var bars = plot.Add.Bars(positions, groups[k].Values.ToArray());
            foreach (var bar in bars.Bars) bar.Size = size;
            bars.LegendText = groups[k].Name;
            spec.Bar(groups[k].Name, categories, groups[k].Values);
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (groups.Count > 1) plot.ShowLegend();
        return new Figure(plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png), width, height, spec.ToJson());
    }
}

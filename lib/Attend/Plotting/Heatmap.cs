// Maps a matrix (attention weights, confusion counts, response maps) to a heatmap figure with a
// colour bar, row 0 at the top as in an image: ScottPlot for the PNG, plotly.js for the chart that
// reads each cell's value on hover.
namespace Attend.Plotting;

public static class Heatmap
{
    public static Figure Render(string title, string xLabel, string yLabel, double[,] values,
                                IReadOnlyList<string>? columns = null, IReadOnlyList<string>? rows = null, int width = 520, int height = 440)
    {
        if (values.Length == 0) throw new ArgumentException("values: the matrix is empty");
        if (columns != null && columns.Count != values.GetLength(1))
            throw new ArgumentException($"columns: {columns.Count} labels for {values.GetLength(1)} columns");
        if (rows != null && rows.Count != values.GetLength(0))
            throw new ArgumentException($"rows: {rows.Count} labels for {values.GetLength(0)} rows");
        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        // ScottPlot centres cell (r, c) at x = c and y = rows − 1 − r, so row 0 is the top one.
        int n = values.GetLength(0);
        if (columns != null) plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns.Count).Select(i => (double)i).ToArray(), columns.ToArray());
        if (rows != null) plot.Axes.Left.SetTicks(Enumerable.Range(0, n).Select(i => (double)(n - 1 - i)).ToArray(), rows.ToArray());
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        var spec = new PlotlySpec(title, xLabel, yLabel, width, height).Heatmap(values, columns, rows);
        return new Figure(plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png), width, height, spec.ToJson());
    }
}

using System.Text.Json.Nodes;
using Attend.Plotting;
using SkiaSharp;

namespace Attend.Tests.Plotting;

public class ChartFigureTests
{
    static JsonObject Plotly(Figure f) => JsonNode.Parse(f.ToPlotly() ?? throw new Xunit.Sdk.XunitException("no plotly figure"))!.AsObject();

    static void AssertPng(Figure f)
    {
        using var bitmap = SKBitmap.Decode(f.ToPng());
        Assert.Equal((f.Width, f.Height), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Curves_give_one_trace_per_series_with_the_same_numbers_and_an_optional_log_toggle()
    {
        var fig = Curves.Render("losses", "epoch", "loss", new[]
        {
            new Series("reconstruction", new double[] { 1, 2, 3 }, new[] { 120.123456789, 80, double.NaN }),
            new Series("KL", new double[] { 1, 2, 3 }, new[] { 3.0, 2.5, 2.0 }),
        }, logToggle: true);
        AssertPng(fig);
        var p = Plotly(fig);
        var traces = p["data"]!.AsArray();
        Assert.Equal(new[] { "reconstruction", "KL" }, traces.Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal(120.123, traces[0]!["y"]![0]!.GetValue<double>());   // six significant digits
        Assert.Null(traces[0]!["y"]![2]);                                   // NaN as a gap
        Assert.Equal("loss", p["layout"]!["yaxis"]!["title"]!["text"]!.GetValue<string>());
        var buttons = p["layout"]!["updatemenus"]![0]!["buttons"]!.AsArray();
        Assert.Equal("log", buttons[1]!["args"]![0]!["yaxis.type"]!.GetValue<string>());
        var plain = Curves.Render("t", "x", "y", new[] { new Series("a", new double[] { 1 }, new double[] { 1 }) });
        Assert.Null(Plotly(plain)["layout"]!["updatemenus"]);
    }

    [Fact]
    public void Bars_and_heatmaps_give_png_and_chart_and_reject_mismatched_labels()
    {
        var bars = Bars.Render("accuracy", "model", "accuracy", new[] { "static", "dynamic" },
                               new[] { new BarGroup("MNIST", new[] { 0.97, 0.99 }), new BarGroup("Fashion", new[] { 0.85, 0.88 }) });
        AssertPng(bars);
        var traces = Plotly(bars)["data"]!.AsArray();
        Assert.Equal(2, traces.Count);
        Assert.Equal("dynamic", traces[0]!["x"]![1]!.GetValue<string>());
        Assert.Throws<ArgumentException>(() => Bars.Render("t", "x", "y", new[] { "a" }, new[] { new BarGroup("g", new[] { 1.0, 2 }) }));

        var heat = Heatmap.Render("attention", "key", "query", new double[,] { { 0.9, 0.1 }, { 0.2, 0.8 }, { 0.5, 0.5 } }, new[] { "k0", "k1" });
        AssertPng(heat);
        var h = Plotly(heat);
        Assert.Equal(3, h["data"]![0]!["z"]!.AsArray().Count);
        Assert.Equal("reversed", h["layout"]!["yaxis"]!["autorange"]!.GetValue<string>());
        Assert.Throws<ArgumentException>(() => Heatmap.Render("t", "x", "y", new double[2, 2], rows: new[] { "only one" }));
    }

    [Fact]
    public void Image_figures_have_no_chart()
    {
        var grid = ImageGrid.Render(zeros(2, 1, 4, 4), columns: 2);
        Assert.Null(grid.ToPlotly());
    }
}

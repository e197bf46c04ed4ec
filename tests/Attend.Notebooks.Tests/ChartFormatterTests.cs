using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;
using Attend.Notebooks.Kernel;
using Attend.Notebooks.Runner;
using SkiaSharp;

namespace Attend.Notebooks.Tests;

public class ChartFormatterTests
{
    static readonly string[] ChartMimes = { ChartFormatters.PlotlyMime, "text/html", "image/png", "text/plain" };

    /// <summary>A stand-in for the library's figures: plotly JSON and its own PNG.</summary>
    sealed class OwnFigure(string? json, byte[] png)
    {
        public string? ToPlotly() => json;
        public byte[] ToPng() => png;
    }

    static SKBitmap DecodePng(MimeBundle bundle)
    {
        var bytes = Convert.FromBase64String(bundle["image/png"]);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
        return SKBitmap.Decode(bytes) ?? throw new Xunit.Sdk.XunitException("image/png does not decode");
    }

    static JsonArray Traces(MimeBundle bundle) => (JsonArray)JsonNode.Parse(bundle[ChartFormatters.PlotlyMime])!["data"]!;

    [Fact]
    public async Task Plotly_NET_CSharp_and_XPlot_charts_give_one_bundle_with_figure_html_and_png()
    {
        var s = new ExecutionSession(log: _ => { });
        var r = new Recorder();
        var setup = await s.ExecuteAsync("#r \"nuget: Plotly.NET, 6.0.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#r \"nuget: XPlot.Plotly, 4.1.0\"\n" +
            "using Plotly.NET.CSharp;\n" +
            "var line = Chart.Line<double, double, string>(new double[] { 1, 2, 3 }, new double[] { 2, 4, 3 }, Name: \"loss\");\n" +
            "var bars = Chart.Column<double, string, string>(new double[] { 3, 1 }, Keys: new[] { \"a\", \"b\" }, Name: \"count\");", r);
        Assert.True(setup.Success, setup.Error?.EValue);

        var combined = await s.ExecuteAsync("Chart.Combine(new[] { line, bars })", r);
        Assert.True(combined.Success, combined.Error?.EValue);
        var bundle = Formatters.Format(combined.Value);
        Assert.Equal(ChartMimes.Order(), bundle.Keys.Order());
        Assert.Equal(new[] { "scatter", "bar" }, Traces(bundle).Select(t => t!["type"]!.GetValue<string>()));
        Assert.Contains("Plotly.newPlot", bundle["text/html"]);
        Assert.DoesNotContain("cdn.", bundle["text/html"]);
        // where no script runs, the HTML still shows the chart's PNG
        Assert.Contains($"<img src=\"data:image/png;base64,{bundle["image/png"]}\"", bundle["text/html"]);
        using (var png = DecodePng(bundle)) Assert.Equal((600, 600), (png.Width, png.Height));   // Plotly.NET's default size

        var heatmap = await s.ExecuteAsync("Chart.Heatmap<double, int, int, string>(new[] { new double[] { 1, 2 }, new double[] { 3, 4 } })", r);
        Assert.True(heatmap.Success, heatmap.Error?.EValue);
        Assert.Equal("heatmap", Traces(Formatters.Format(heatmap.Value)).Single()!["type"]!.GetValue<string>());

        var xplot = await s.ExecuteAsync("var x = XPlot.Plotly.Chart.Plot(new[] { new XPlot.Plotly.Scatter { x = new[] { 1, 2 }, y = new[] { 3, 4 } }," +
                                         " new XPlot.Plotly.Scatter { x = new[] { 1, 2 }, y = new[] { 4, 3 } } });\nx.WithTitle(\"two lines\");\nx", r);
        Assert.True(xplot.Success, xplot.Error?.EValue);
        var xb = Formatters.Format(xplot.Value);
        Assert.Equal(ChartMimes.Order(), xb.Keys.Order());
        Assert.Equal(2, Traces(xb).Count);
        // XPlot's string title, rewritten in the form plotly.js 3 and later read
        Assert.Equal("two lines", JsonNode.Parse(xb[ChartFormatters.PlotlyMime])!["layout"]!["title"]!["text"]!.GetValue<string>());
        using (var png = DecodePng(xb)) Assert.Equal((900, 500), (png.Width, png.Height));   // XPlot's default size
    }

    [Fact]
    public void A_figure_with_its_own_png_keeps_it_and_bad_json_is_named()
    {
        var png = Convert.FromBase64String(Formatters.Format(new OwnFigure("{\"data\":[{\"y\":[1,2]}]}", MakePng()))["image/png"]);
        Assert.Equal(MakePng(), png);
        // an image figure (ToPlotly() null, as ImageGrid's) stays a plain image
        var image = Formatters.Format(new OwnFigure(null, MakePng()));
        Assert.Equal(new[] { "image/png", "text/plain" }, image.Keys.Order());
        var e = Assert.Throws<InvalidOperationException>(() => Formatters.Format(new OwnFigure("[1, 2]", MakePng())));
        Assert.Contains("OwnFigure gave no plotly figure JSON", e.Message);
    }

    static byte[] MakePng()
    {
        using var bitmap = new SKBitmap(3, 2);
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public void The_png_draws_bars_on_categories_heatmaps_and_log_axes_and_names_what_it_cannot_draw()
    {
        var figure = JsonNode.Parse("""
            {"data": [{"type": "bar", "x": ["a", "b", "c"], "y": [1, 10, 100]}, {"type": "scatter", "y": [1, null, 1000]},
                      {"type": "pie", "values": [1, 2]}],
             "layout": {"title": {"text": "mixed"}, "yaxis": {"type": "log"}, "width": 300, "height": 200}}
            """)!.AsObject();
        using var bitmap = SKBitmap.Decode(PlotlyPng.Render(figure));
        Assert.Equal((300, 200), (bitmap.Width, bitmap.Height));
        var heat = JsonNode.Parse("""{"data": [{"type": "heatmap", "z": [[0, 1], [2, 3]]}], "layout": {}}""")!.AsObject();
        using var heatmap = SKBitmap.Decode(PlotlyPng.Render(heat));
        Assert.Equal((640, 420), (heatmap.Width, heatmap.Height));
        // The distinct colours of the drawn cells show a heatmap, not an empty frame.
        var colours = Enumerable.Range(0, 40).Select(i => heatmap.GetPixel(320 - 60 + 3 * i, 210)).Distinct().Count();
        Assert.True(colours >= 2, $"{colours} colour(s) across the heatmap's middle row");
    }

    [Fact]
    public void The_runner_and_the_kernel_keep_the_plotly_figure_as_json()
    {
        var json = "{\"data\":[{\"type\":\"scatter\",\"y\":[1,2]}],\"layout\":{}}";
        var bundle = Formatters.Format(new OwnFigure(json, MakePng()));
        var kernel = IopubSink.Bundle(bundle);
        Assert.IsType<JsonObject>(kernel[ChartFormatters.PlotlyMime]);
        var collector = new OutputCollector();
        collector.Display(bundle, null, isUpdate: false);
        var saved = collector.ToJson()[0]!["data"]!;
        Assert.Single(saved[ChartFormatters.PlotlyMime]!["data"]!.AsArray());
        Assert.IsType<JsonArray>(saved["text/html"]);   // text stays as nbformat's line list
        Assert.Throws<InvalidOperationException>(() => IopubSink.Bundle(new MimeBundle { [ChartFormatters.PlotlyMime] = "{not json" }));
    }
}

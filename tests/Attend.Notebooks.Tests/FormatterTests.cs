using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Tests;

public class FormatterTests
{
    sealed class HtmlThing { public string ToHtml() => "<b>hi</b>"; public override string ToString() => "hi"; }
    sealed class PngThing { public byte[] ToPng() => TinyPng; }
    static readonly byte[] TinyPng = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };

    [Fact]
    public void Each_mime_type()
    {
        Assert.Equal("42", Formatters.Format(42)["text/plain"]);
        Assert.Equal("<null>", Formatters.Format(null)["text/plain"]);
        Assert.Equal("[1, 2, 3]", Formatters.Format(new List<int> { 1, 2, 3 })["text/plain"]);
        var png = Formatters.Format(TinyPng);
        Assert.Equal(Convert.ToBase64String(TinyPng), png["image/png"]);
        Assert.Equal(Convert.ToBase64String(TinyPng), Formatters.Format(new PngThing())["image/png"]);
        Assert.False(Formatters.Format(new byte[] { 1, 2 }).ContainsKey("image/png"));
        var html = Formatters.Format(new HtmlThing());
        Assert.Equal("<b>hi</b>", html["text/html"]);
        Assert.Equal("hi", html["text/plain"]);
    }

    [Fact]
    public async Task A_real_ScottPlot_plot_displays_as_png()
    {
        var s = new ExecutionSession(log: _ => { });
        var res = await s.ExecuteAsync("#r \"nuget: ScottPlot, 5.1.59\"\nvar plt = new ScottPlot.Plot();\n" +
                                       "plt.Add.Scatter(new double[] { 1, 2, 3 }, new double[] { 2, 4, 3 });\nplt", new Recorder());
        Assert.True(res.Success, res.Error?.EValue);
        var bundle = Formatters.Format(res.Value);
        var png = Convert.FromBase64String(bundle["image/png"]);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.True(png.Length > 1000);
    }
}

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
    public void Dictionaries_show_as_key_value_tables_with_aligned_text()
    {
        var b = Formatters.Format(new Dictionary<string, double> { ["loss"] = 0.25, ["accuracy < 1"] = 0.875 });
        Assert.Equal("Dictionary (2 entries)\n         key  value\n        loss   0.25\naccuracy < 1  0.875", b["text/plain"]);
        Assert.Equal("<table><thead><tr><th>key</th><th>value</th></tr></thead><tbody><tr><td>loss</td><td>0.25</td></tr>" +
                     "<tr><td>accuracy &lt; 1</td><td>0.875</td></tr></tbody></table>", b["text/html"]);
    }

    [Fact]
    public void Two_dimensional_arrays_show_as_grids_and_large_ones_are_cut()
    {
        var b = Formatters.Format(new double[,] { { 1, 2.5 }, { 10, -3 } });
        Assert.Equal("Double[2, 2]\n     [0]  [1]\n[0]    1  2.5\n[1]   10   -3", b["text/plain"]);
        Assert.Contains("<th>[1]</th>", b["text/html"]);
        var big = Formatters.Format(new int[150, 40]);
        Assert.Contains("Int32[150, 40], first 30 columns", big["text/plain"]);
        Assert.EndsWith("… 50 more rows", big["text/plain"]);
        Assert.Equal(TableFormatters.MaxRows, big["text/html"].Split("<tr>").Length - 2);   // 100 rows after the header
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

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
}

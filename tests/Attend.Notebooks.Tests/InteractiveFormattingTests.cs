using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Tests;

/// <summary>Cells written for .NET Interactive: its formatting API, object tables, HTML and LaTeX.</summary>
public class InteractiveFormattingTests
{
    const string Usings = "using Microsoft.DotNet.Interactive.Formatting;\nusing static Microsoft.DotNet.Interactive.Formatting.PocketViewTags;\n"
                          + "record Person(string Name, int Age);";

    static async Task<(ExecutionSession Session, Recorder Out)> Start()
    {
        var s = new ExecutionSession(log: _ => { });
        var r = new Recorder();
        var res = await s.ExecuteAsync(Usings, r);
        Assert.True(res.Success, res.Error?.EValue);
        return (s, r);
    }

    static async Task<MimeBundle> Value(ExecutionSession s, string code, Recorder? r = null)
    {
        var res = await s.ExecuteAsync(code, r ?? new Recorder());
        Assert.True(res.Success, res.Error?.EValue);
        Assert.True(res.HasValue, code);
        return Formatters.Format(res.Value);
    }

    [Fact]
    public async Task Records_anonymous_objects_and_lists_of_them_show_as_property_tables_with_readable_text()
    {
        var (s, _) = await Start();
        var person = await Value(s, "new Person(\"Ann\", 31)");
        Assert.Contains("<td>Name</td>", person["text/html"]);
        Assert.Contains("<pre>Ann</pre>", person["text/html"]);
        Assert.Equal("Person\n      Name: Ann\n      Age: 31", person["text/plain"]);
        var list = await Value(s, "new List<Person> { new(\"Ann\", 31), new(\"Bob\", 42) }");
        Assert.Equal(2, list["text/html"].Split("<details").Length - 1);   // one row per item
        Assert.Contains("- Name: Bob", list["text/plain"]);
        var anonymous = await Value(s, "new { X = 1, Y = \"z\" }");
        Assert.Contains("<td>Y</td>", anonymous["text/html"]);
        var error = await Value(s, "new InvalidOperationException(\"boom\")");
        Assert.Contains("<td>Message</td>", error["text/html"]);
        Assert.Equal("System.InvalidOperationException: boom", error["text/plain"]);
    }

    [Fact]
    public async Task Values_with_their_own_text_keep_it()
    {
        var (s, _) = await Start();
        Assert.Equal(new[] { "text/plain" }, (await Value(s, "TimeSpan.FromSeconds(3)")).Keys);
        Assert.Equal("[1, 2, 3]", (await Value(s, "new[] { 1, 2, 3 }"))["text/plain"]);
        Assert.Equal(new[] { "text/plain" }, (await Value(s, "\"<b>not html</b>\"")).Keys);
    }

    [Fact]
    public async Task Registered_formatters_and_preferred_mime_types_are_used_until_reset()
    {
        var (s, _) = await Start();
        var html = await Value(s, "Formatter.Register<Person>((p, w) => w.Write($\"<b>{p.Name}</b>\"), \"text/html\");\nnew Person(\"Cy\", 5)");
        Assert.Equal("<b>Cy</b>", html["text/html"]);
        Assert.Equal("P(Di)", (await Value(s, "Formatter.Register<Person>(p => $\"P({p.Name})\", \"text/plain\");\n"
                                              + "Formatter.SetPreferredMimeTypesFor(typeof(Person), \"text/plain\");\nnew Person(\"Di\", 6)"))["text/plain"]);
        Assert.Equal("<b>Ed</b>", (await s.ExecuteAsync("new Person(\"Ed\", 7).ToDisplayString(\"text/html\")", new Recorder())).Value);
        var reset = await Value(s, "Formatter.ResetToDefault();\nnew Person(\"Fay\", 8)");
        Assert.Contains("<td>Name</td>", reset["text/html"]);
        // a registration by type, with the FormatContext form
        var byType = await Value(s, "Formatter.Register(typeof(Person), (object p, FormatContext c) => { c.Writer.Write(\"typed\"); return true; }, "
                                    + "\"text/html\");\nnew Person(\"Gus\", 9)");
        Assert.Equal("typed", byType["text/html"]);
        // a new session starts from the defaults
        var (fresh, _) = await Start();
        Assert.Contains("<td>Name</td>", (await Value(fresh, "new Person(\"Hal\", 1)"))["text/html"]);
    }

    [Fact]
    public async Task Display_with_mime_types_and_display_as_show_exactly_those_plus_text()
    {
        var (s, r) = await Start();
        var res = await s.ExecuteAsync("display(new Person(\"Ann\", 1), \"text/plain\");\n\"<b>x</b>\".DisplayAs(\"text/html\");\n"
                                       + "new Person(\"Bo\", 2).Display(\"text/html\", \"application/json\");", r);
        Assert.True(res.Success, res.Error?.EValue);
        Assert.Equal(new[] { "text/plain" }, r.Displays[0].Data.Keys);
        Assert.Equal("<b>x</b>", r.Displays[1].Data["text/html"]);
        Assert.Equal(new[] { "text/html", "application/json", "text/plain" }, r.Displays[2].Data.Keys);
        Assert.Contains("\"Name\":\"Bo\"", r.Displays[2].Data["application/json"]);
    }

    [Fact]
    public async Task Pocket_view_html_javascript_and_latex_show_in_their_mime_types()
    {
        var (s, r) = await Start();
        var tags = await Value(s, "span(b(\"x < y\"), img[src: \"a.png\"])");
        Assert.Equal("<span><b>x &lt; y</b><img src=\"a.png\"></img></span>", tags["text/html"]);
        Assert.Equal("<i>raw</i>", (await Value(s, "HTML(\"<i>raw</i>\")"))["text/html"]);
        var latex = await Value(s, "(LaTeXString)@\"\\frac{a}{b}\"");
        Assert.Equal(@"\frac{a}{b}", latex["text/latex"]);
        Assert.Equal(@"\frac{a}{b}", latex["text/plain"]);
        Assert.Equal("$$x^2$$", (await Value(s, "(MathString)\"x^2\""))["text/latex"]);
        Assert.Equal("$$y$$", (await Value(s, "Formatter.ResetToDefault();\n(MathString)\"$$y$$\""))["text/latex"]);
        Assert.True((await s.ExecuteAsync("Javascript(\"console.log(1)\");", r)).Success);
        Assert.Equal("<script type=\"text/javascript\">console.log(1)</script>", r.Displays[^1].Data["text/html"]);
    }

    [Fact]
    public async Task Kernel_helpers_of_dotnet_interactive_compile_imported_or_qualified_and_a_trailing_display_shows_once()
    {
        var (s, r) = await Start();
        var res = await s.ExecuteAsync("using static Microsoft.DotNet.Interactive.Kernel;\ndisplay(HTML(\"<b>a</b>\"))", r);
        Assert.True(res.Success, res.Error?.EValue);
        Assert.False(res.HasValue);
        Assert.Equal("<b>a</b>", r.Displays.Single().Data["text/html"]);
        Assert.Equal("<i>b</i>", (await Value(s, "Microsoft.DotNet.Interactive.Kernel.HTML(\"<i>b</i>\")"))["text/html"]);
    }

    [Fact]
    public async Task Display_table_shows_a_column_per_property_and_aligned_text()
    {
        var (s, r) = await Start();
        Assert.True((await s.ExecuteAsync("new[] { new Person(\"Ann\", 31), new Person(\"Bo\", 4) }.DisplayTable();", r)).Success);
        var table = r.Displays.Single().Data;
        Assert.Contains("<span>Name</span></td><td><span>Age</span>", table["text/html"]);
        Assert.Equal("Person (2 rows)\nName  Age\n Ann   31\n  Bo    4", table["text/plain"]);
    }
}

using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Tests;

/// <summary>.NET Interactive's markdown, HTML and JavaScript cells, by magic line and by cell metadata.</summary>
public class SubkernelCellTests
{
    [Theory]
    [InlineData("#!markdown\n# Title\n\n*x*", "text/markdown", "# Title\n\n*x*")]
    [InlineData("#!html\n<b>x</b>", "text/html", "<b>x</b>")]
    [InlineData("#!javascript\nconsole.log(1);\n#r \"not a directive here\"", "application/javascript", "console.log(1);\n#r \"not a directive here\"")]
    [InlineData("#!js\nalert(1)", "application/javascript", "alert(1)")]
    public async Task Content_cells_show_their_text_in_their_mime_type_and_as_text(string cell, string mime, string content)
    {
        var r = new Recorder();
        var res = await new ExecutionSession().ExecuteAsync(cell, r);
        Assert.True(res.Success, res.Error?.EValue);
        Assert.False(res.HasValue);
        var shown = r.Displays.Single().Data;
        Assert.Equal(content, shown[mime]);
        Assert.Equal(content, shown["text/plain"]);
    }

    [Theory]
    [InlineData("#!fsharp\nlet x = 1")]
    [InlineData("#!pwsh\nGet-Date")]
    [InlineData("#!sql\nSELECT 1")]
    public async Task Other_languages_are_errors_naming_them(string cell)
    {
        var res = await new ExecutionSession().ExecuteAsync(cell, new Recorder());
        Assert.Equal("DirectiveError", res.Error!.EName);
        Assert.Contains(cell.Split('\n')[0], res.Error.EValue);
        Assert.Contains("#!html", res.Error.EValue);
    }

    [Fact]
    public async Task The_runner_shows_cells_marked_html_or_markdown_by_their_metadata_and_refuses_fsharp()
    {
        using var d = new TempDir();
        JsonObject Cell(string src, string language)
        {
            var c = Nb.Code(src);
            c["metadata"] = new JsonObject { ["dotnet_interactive"] = new JsonObject { ["language"] = language } };
            return c;
        }
        var path = Nb.Write(d.Path, "polyglot.ipynb", Cell("<i>hi</i>", "html"), Cell("**bold**", "markdown"), Cell("1 + 1", "csharp"),
                            Cell("let x = 1", "fsharp"), Cell("#!javascript\nalert(1)", "javascript"));
        var run = await Nb.Run(path, Path.Combine(d.Path, "out"), cont: true);
        Assert.Equal("<i>hi</i>", Nb.Text(Nb.Outputs(run.Written!, 0)[0]!["data"]!["text/html"]));
        Assert.Equal("**bold**", Nb.Text(Nb.Outputs(run.Written!, 1)[0]!["data"]!["text/markdown"]));
        Assert.Equal("2", Nb.Text(Nb.Outputs(run.Written!, 2)[0]!["data"]!["text/plain"]));
        Assert.Contains("fsharp", Nb.Text(Nb.Outputs(run.Written!, 3)[0]!["evalue"]));
        Assert.Equal("alert(1)", Nb.Text(Nb.Outputs(run.Written!, 4)[0]!["data"]!["application/javascript"]));   // magic line kept in the source
    }
}

// The kernel's tracebacks as front ends show them: coloured like ipykernel's, the cell named as
// In[N], the failing line marked among its neighbours, compile errors with a caret.
using Attend.Notebooks.Engine;
using Attend.Notebooks.Kernel;

namespace Attend.Notebooks.Tests;

public class ErrorReportTests
{
    static string Plain(IEnumerable<string> lines) => System.Text.RegularExpressions.Regex.Replace(string.Join("\n", lines), "\u001b\\[[0-9;]*m", "");

    [Fact]
    public void A_runtime_error_marks_its_line_in_the_cell_and_ends_with_the_message()
    {
        string code = "var a = 1;\nvar b = 2;\nthrow new InvalidOperationException(\"boom\");\nvar c = 3;";
        var error = new CellError("InvalidOperationException", "boom",
            new[] { "System.InvalidOperationException: boom", "   at cell 7, line 3", "   at Some.Library.Call in Call.cs:line 9" });
        var lines = ErrorReport.Traceback(error, code, 7);
        Assert.Contains(lines, l => l.Contains("\u001b[0;31m"));                      // coloured
        string text = Plain(lines);
        Assert.Contains("InvalidOperationException", text.Split('\n')[1]);
        Assert.Contains("Traceback (most recent call last)", text);
        Assert.Contains("Cell In[7], line 3", text);
        Assert.Contains("      1 var a = 1;", text);
        Assert.Contains("----> 3 throw new InvalidOperationException(\"boom\");", text);
        Assert.Contains("      4 var c = 3;", text);
        Assert.Contains("at Some.Library.Call in Call.cs:line 9", text);
        Assert.EndsWith("InvalidOperationException: boom", text);
    }

    [Fact]
    public void A_compile_error_shows_the_line_and_a_caret_under_the_column()
    {
        string code = "var x = 1;\nint y = \"text\";";
        var error = new CellError("CompilationError", "cell 2, line 2, column 9: error CS0029: Cannot convert",
            new[] { "cell 2, line 2, column 9: error CS0029: Cannot convert" });
        string text = Plain(ErrorReport.Traceback(error, code, 2));
        var lines = text.Split('\n');
        int marked = Array.FindIndex(lines, l => l.StartsWith("----> 2"));
        Assert.True(marked > 0, text);
        Assert.Equal("----> 2 int y = \"text\";", lines[marked]);
        Assert.Equal(lines[marked].IndexOf('"'), lines[marked + 1].IndexOf('^'));   // the caret sits under column 9
        Assert.Contains("error CS0029: Cannot convert", lines[marked + 2]);
        Assert.Contains("Cell In[2], line 2, column 9", text);
    }

    [Fact]
    public void Numbers_of_two_digits_keep_the_code_aligned()
    {
        string code = string.Join("\n", Enumerable.Range(1, 12).Select(i => $"f{i}();"));
        var error = new CellError("Exception", "x", new[] { "System.Exception: x", "   at cell 1, line 10" });
        var lines = Plain(ErrorReport.Traceback(error, code, 1)).Split('\n');
        Assert.Contains("      9 f9();", lines);
        Assert.Contains("---->10 f10();", lines);
        Assert.Contains("     11 f11();", lines);
    }

    [Fact]
    public void Frames_of_other_cells_and_lines_past_the_code_are_left_plain()
    {
        var error = new CellError("Exception", "x", new[] { "System.Exception: x", "   at cell 3, line 1", "   at cell 4, line 99" });
        string text = Plain(ErrorReport.Traceback(error, "f();", 4));
        Assert.Contains("at cell 3, line 1", text);       // an earlier cell: its source is not at hand
        Assert.Contains("Cell In[4], line 99", text);
        Assert.DoesNotContain("---->", text);
    }
}

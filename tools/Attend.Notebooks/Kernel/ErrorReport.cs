// Maps a failing cell's error to the traceback Jupyter front ends show, in ipykernel's form:
// ANSI colours, a header with the exception's type, "Cell In[N], line L" for each frame in the
// cell with the surrounding source lines and "---->" at the failing one, compile errors with the
// offending line and a caret under the column, library frames as they are, and the message last.
// Written here because no served package renders .NET exceptions for Jupyter.
using System.Text.RegularExpressions;
using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Kernel;

public static partial class ErrorReport
{
    const string Red = "\u001b[0;31m";
    const string Green = "\u001b[0;32m";
    const string Cyan = "\u001b[0;36m";
    const string Reset = "\u001b[0m";
    const int Context = 2;

    [GeneratedRegex(@"^\s*at cell (\d+), line (\d+)$")]
    private static partial Regex CellFrame();

    [GeneratedRegex(@"^cell (\d+), line (\d+), column (\d+): (.*)$")]
    private static partial Regex CompileError();

    /// <summary>The traceback lines of <paramref name="error"/> raised by <paramref name="code"/>, run as
    /// In[<paramref name="executionCount"/>] (the engine named it "cell N" with N the same count).</summary>
    public static List<string> Traceback(CellError error, string code, int executionCount)
    {
        var source = code.Replace("\r\n", "\n").Split('\n');
        var lines = new List<string>
        {
            $"{Red}{new string('-', 75)}{Reset}",
            $"{Red}{error.EName}{Reset}{new string(' ', Math.Max(1, 42 - error.EName.Length))}Traceback (most recent call last)",
        };
        bool compile = error.EName == "CompilationError";
        foreach (var line in compile ? error.Traceback : error.Traceback.Skip(1))
        {
            if (CompileError().Match(line) is { Success: true } c && int.Parse(c.Groups[1].Value) == executionCount)
            {
                int row = int.Parse(c.Groups[2].Value);
                int column = int.Parse(c.Groups[3].Value);
                lines.Add($"Cell {Green}In[{executionCount}]{Reset}, {Green}line {row}, column {column}{Reset}");
                lines.AddRange(SourceAround(source, row, context: 0));
                lines.Add(new string(' ', CodeColumn(source) + Math.Max(0, column - 1)) + $"{Red}^{Reset}");
                lines.Add($"{Red}{c.Groups[4].Value}{Reset}");
            }
            else if (CellFrame().Match(line) is { Success: true } f && int.Parse(f.Groups[1].Value) == executionCount)
            {
                int row = int.Parse(f.Groups[2].Value);
                lines.Add($"Cell {Green}In[{executionCount}]{Reset}, {Green}line {row}{Reset}");
                lines.AddRange(SourceAround(source, row, Context));
            }
            else if (line.StartsWith("   at "))
                lines.Add($"{Cyan}{line.Trim()}{Reset}");
            else if (!compile)
                lines.Add(line);
        }
        if (!compile) lines.Add($"{Red}{error.EName}{Reset}: {error.EValue}");
        return lines;
    }

    /// <summary>Numbered source lines around <paramref name="row"/> (1-based), the failing one marked;
    /// every line's code starts at column <see cref="CodeColumn"/>.</summary>
    static IEnumerable<string> SourceAround(string[] source, int row, int context)
    {
        if (row < 1 || row > source.Length) yield break;
        int width = NumberWidth(source);
        for (int i = Math.Max(1, row - context); i <= Math.Min(source.Length, row + context); i++)
        {
            string number = i.ToString().PadLeft(width);
            yield return i == row ? $"{Green}---->{number}{Reset} {source[i - 1]}" : $"     {number} {source[i - 1]}";
        }
    }

    /// <summary>Digits of the largest line number, at least 2 (so "----> 2" as ipykernel writes it).</summary>
    static int NumberWidth(string[] source) => Math.Max(2, source.Length.ToString().Length);

    /// <summary>Where the code starts in a numbered line: "---->", the number, one space.</summary>
    static int CodeColumn(string[] source) => 5 + NumberWidth(source) + 1;
}

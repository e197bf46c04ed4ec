// Maps -p name=value overrides to a cell injected after the notebook's `parameters` cell
// (papermill's convention), checking each name is declared there.
using System.Globalization;
using System.Text.RegularExpressions;
using Attend.Notebooks.Notebooks;

namespace Attend.Notebooks.Runner;

public static partial class Parameters
{
    public const string Tag = "parameters";
    public const string InjectedTag = "injected-parameters";

    public static KeyValuePair<string, string> ParseAssignment(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"parameter '{text}' must look like name=value");
        string name = text[..eq].Trim();
        if (!Identifier().IsMatch(name)) throw new ArgumentException($"parameter name '{name}' is not a C# identifier");
        return new(name, text[(eq + 1)..]);
    }

    /// <summary>C# literal for a command-line value: numbers and true/false as written, anything else a string.</summary>
    public static string ToLiteral(string value)
    {
        if (value is "true" or "false") return value;
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) return value;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return value.Contains('.') || value.Contains('e') || value.Contains('E') ? value : value + ".0";
        return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    /// <summary>Injects the overrides after the parameters cell; returns the injected cell's index, or −1 when none.</summary>
    public static int Inject(Notebook nb, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0) return -1;
        var cell = nb.Cells.FirstOrDefault(c => c.IsCode && c.Tags.Contains(Tag))
                   ?? throw new NotebookFormatException(nb.File, "parameters",
                       "no code cell is tagged 'parameters', so -p overrides cannot be applied");
        string src = cell.Source;
        foreach (var name in values.Keys)
            if (!Regex.IsMatch(src, $@"\b{Regex.Escape(name)}\s*=(?!=)"))
                throw new NotebookFormatException(nb.File, $"cell {cell.Index + 1} (parameters)",
                    $"parameter '{name}' is not assigned there; known: {string.Join(", ", DeclaredNames(src))}");
        string code = "// Injected parameters\n" + string.Join("\n", values.Select(kv => $"{kv.Key} = {ToLiteral(kv.Value)};"));
        nb.Cells.Where(c => c.Tags.Contains(InjectedTag)).ToList().ForEach(c =>
        {
            ((System.Text.Json.Nodes.JsonArray)nb.Root["cells"]!).Remove(c.Json);
            nb.Cells.Remove(c);
        });
        int at = nb.Cells.IndexOf(cell);
        nb.InsertCodeCellAfter(at, code, InjectedTag);
        return at + 1;
    }

    static IEnumerable<string> DeclaredNames(string src) => Declared().Matches(src).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")] private static partial Regex Identifier();
    [GeneratedRegex(@"\b(?:var|int|long|double|float|bool|string)\s+([A-Za-z_]\w*)\s*=")] private static partial Regex Declared();
}

// Maps a notebook's results file (results/<notebook>.json, written by the library's
// NotebookResults) to the headline numbers the report and the run's summary show.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Runner;

public sealed record Headline(string Key, double? Value)
{
    /// <summary>Four significant digits; very large or small numbers in exponent form.</summary>
    public override string ToString() => $"{Key} {(Value is { } v ? Number(v) : "null")}";

    static string Number(double v)
        => v.ToString(Math.Abs(v) >= 1e5 || (v != 0 && Math.Abs(v) < 1e-3) ? "0.###e0" : "G4", CultureInfo.InvariantCulture);
}

public static class ResultsFile
{
    /// <summary>The environment variable the library's NotebookResults reads for its folder.</summary>
    public const string Variable = "ATTEND_RESULTS";

    /// <summary>The metrics of <paramref name="path"/> flattened to "a.b.c" keys, in file order; empty when
    /// the file is missing or was not written since <paramref name="since"/> (UTC), null when it is unreadable.</summary>
    public static List<Headline>? Read(string path, DateTime since)
    {
        if (!File.Exists(path) || File.GetLastWriteTimeUtc(path) < since) return new List<Headline>();
        try { return JsonNode.Parse(File.ReadAllText(path))?["metrics"] is JsonObject m ? Flatten(m, "") : null; }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or FormatException) { return null; }
    }

    /// <summary>A run's headline numbers joined by <paramref name="separator"/> (at most <paramref name="max"/>),
    /// or what is wrong with its results file.</summary>
    public static string Describe(NotebookRun r, string separator, Func<Headline, string> item, int max = int.MaxValue) => r.Results switch
    {
        null => "unreadable results file",
        { Count: 0 } => r.Success ? "no results file written" : "",
        var h => string.Join(separator, h.Take(max).Select(item)) + (h.Count > max ? $"{separator}… ({h.Count} in all)" : ""),
    };

    static List<Headline> Flatten(JsonObject metrics, string prefix)
    {
        var rows = new List<Headline>();
        foreach (var (key, value) in metrics)
        {
            string at = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is JsonObject nested) rows.AddRange(Flatten(nested, at));
            else rows.Add(new Headline(at, value?.GetValue<double>()));
        }
        return rows;
    }
}

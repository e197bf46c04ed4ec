// Maps a notebook's results file (results/<notebook>.json, written by the library's
// NotebookResults) to the headline numbers the report and the run's summary show.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Attend.Notebooks.Runner;

public sealed record Headline(string Key, double? Value)
{
    /// <summary>Four significant digits; very large or small numbers in exponent form.</summary>
    public override string ToString() => $"{Key} {(Value is { } v ? Number(v) : "null")}";

    static string Number(double v)
        => v.ToString(Math.Abs(v) >= 1e5 || (v != 0 && Math.Abs(v) < 1e-3) ? "0.###e0" : "G4", CultureInfo.InvariantCulture);
}

/// <summary>What a run left in its results file: none written, its headline numbers, or what is wrong with it.</summary>
public sealed record RunResults(bool Written, IReadOnlyList<Headline> Headlines, IReadOnlyList<string> Problems)
{
    public static readonly RunResults None = new(false, Array.Empty<Headline>(), Array.Empty<string>());
}

/// <summary>The schema is DESIGN.md's "Results"; the library's NotebookResults writes it.</summary>
public static partial class ResultsFile
{
    /// <summary>The environment variable the library's NotebookResults reads for its folder.</summary>
    public const string Variable = "ATTEND_RESULTS";

    /// <summary>The results file at <paramref name="path"/> if it was written since <paramref name="since"/> (UTC):
    /// its metrics flattened to "a.b.c" keys in file order, and the schema's complaints about it.</summary>
    public static RunResults Read(string path, DateTime since, string? notebook = null)
    {
        if (!File.Exists(path) || File.GetLastWriteTimeUtc(path) < since) return RunResults.None;
        string json;
        try { json = File.ReadAllText(path); }
        catch (IOException e) { return new RunResults(true, Array.Empty<Headline>(), new[] { e.Message }); }
        var problems = Validate(json, notebook);
        var headlines = problems.Count == 0 ? Flatten((JsonObject)JsonNode.Parse(json)!["metrics"]!, "") : new List<Headline>();
        return new RunResults(true, headlines, problems);
    }

    /// <summary>A run's headline numbers joined by <paramref name="separator"/> (at most <paramref name="max"/>),
    /// or what is wrong with its results file.</summary>
    public static string Describe(NotebookRun r, string separator, Func<Headline, string> item, int max = int.MaxValue) => r.Results switch
    {
        null or { Written: false } => r.Success ? "no results file written" : "",
        { Problems.Count: > 0 } p => $"invalid results file: {string.Join("; ", p.Problems)}",
        { Headlines: var h } => string.Join(separator, h.Take(max).Select(item)) + (h.Count > max ? $"{separator}… ({h.Count} in all)" : ""),
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

    /// <summary>Checks a results file against the schema; returns the problems found (none when valid).</summary>
    public static List<string> Validate(string json, string? expectedNotebook = null)
    {
        var problems = new List<string>();
        JsonObject? doc;
        try { doc = JsonNode.Parse(json) as JsonObject; }
        catch (JsonException e) { return new List<string> { $"not JSON: {e.Message}" }; }
        if (doc == null) return new List<string> { "not a JSON object" };
        string? name = (doc["notebook"] as JsonValue)?.TryGetValue<string>(out var n) == true ? n : null;
        if (name == null || !NotebookName().IsMatch(name)) problems.Add("\"notebook\" is missing or not of the form NN-topic");
        else if (expectedNotebook != null && name != expectedNotebook) problems.Add($"\"notebook\" is {name}, expected {expectedNotebook}");
        if ((doc["mode"] as JsonValue)?.TryGetValue<string>(out var mode) != true || mode is not ("full" or "quick" or "interactive"))
            problems.Add("\"mode\" is not full, quick or interactive");
        if (doc["settings"] is not JsonObject) problems.Add("\"settings\" is not an object");
        if (doc["metrics"] is not JsonObject metrics || metrics.Count == 0) problems.Add("\"metrics\" is not a non-empty object");
        else CheckNumbers(metrics, "metrics", problems);
        if ((doc["machine"] as JsonValue)?.TryGetValue<string>(out _) != true) problems.Add("\"machine\" is not a string");
        if ((doc["finished"] as JsonValue)?.TryGetValue<string>(out var when) != true
            || !DateTime.TryParse(when, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _))
            problems.Add("\"finished\" is not a date-time");
        return problems;
    }

    static void CheckNumbers(JsonObject o, string path, List<string> problems)
    {
        foreach (var (key, value) in o)
        {
            if (value is JsonObject nested) CheckNumbers(nested, $"{path}.{key}", problems);
            else if (value != null && value.GetValueKind() != JsonValueKind.Number) problems.Add($"{path}.{key} is not a number");
        }
    }

    [GeneratedRegex("^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex NotebookName();
}

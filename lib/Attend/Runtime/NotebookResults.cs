// Maps a notebook's headline numbers and the settings they came from to results/<notebook>.json
// (the schema of DESIGN.md, "Results"), written atomically. Full runs write the repository's
// results/; quick and interactive runs write out/results/<mode>/, so they never replace a full
// run's file; the runner points ATTEND_RESULTS at its own output folder.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Attend.Runtime;

public static partial class NotebookResults
{
    /// <summary>Set by the runner: the folder results files go to for this run.</summary>
    public const string Variable = "ATTEND_RESULTS";

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The folder this run's results go to (absolute).</summary>
    public static string Folder()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } env) return Path.GetFullPath(env);
        string root = RepoPaths.Root() ?? Environment.CurrentDirectory;
        return RunMode.Current == "full" ? Path.Combine(root, "results") : Path.Combine(root, "out", "results", RunMode.Current);
    }

    /// <summary>Writes <paramref name="notebook"/>'s results file and returns its path for printing
    /// (repository-relative). <paramref name="settings"/> values are numbers, strings or booleans;
    /// <paramref name="metrics"/> values are numbers or nested dictionaries of them (per data set,
    /// per seed). A non-finite metric is written as null and named in <see cref="Warnings"/>.</summary>
    public static string Save(string notebook, Dictionary<string, object> settings, Dictionary<string, object> metrics)
    {
        if (!NotebookName().IsMatch(notebook))
            throw new ArgumentException($"notebook name \"{notebook}\" is not of the form NN-topic (e.g. 07-air)", nameof(notebook));
        var doc = Build(notebook, settings, metrics, out var warnings);
        Warnings = warnings;
        foreach (var w in warnings) Console.WriteLine($"warning: {w}");
        string path = Path.Combine(Folder(), notebook + ".json");
        Data.AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(doc.ToJsonString(Indented) + "\n"));
        return RepoPaths.Display(path);
    }

    /// <summary>What the last <see cref="Save"/> had to say about its metrics (non-finite values).</summary>
    public static IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

    /// <summary>The results document, validated (the same checks <see cref="Validate"/> makes on a file).</summary>
    public static JsonObject Build(string notebook, Dictionary<string, object> settings, Dictionary<string, object> metrics,
                                   out List<string> warnings)
    {
        var found = new List<string>();
        var settingsJson = new JsonObject();
        foreach (var (key, value) in settings) settingsJson[key] = Setting(key, value);
        var doc = new JsonObject
        {
            ["notebook"] = notebook,
            ["mode"] = RunMode.Current,
            ["settings"] = settingsJson,
            ["metrics"] = Metrics("metrics", metrics, found),
            ["machine"] = Machine(),
            ["finished"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        };
        if (metrics.Count == 0) throw new ArgumentException("a results file needs at least one metric", nameof(metrics));
        warnings = found;
        return doc;
    }

    static JsonNode Setting(string key, object value) => value switch
    {
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        _ when AsDouble(value) is { } d && double.IsFinite(d) => JsonValue.Create(d),
        _ => throw new ArgumentException($"setting \"{key}\" is a {value?.GetType().Name ?? "null"}; use a number, string or bool"),
    };

    static JsonObject Metrics(string path, IReadOnlyDictionary<string, object> metrics, List<string> warnings)
    {
        var o = new JsonObject();
        foreach (var (key, value) in metrics)
        {
            string at = $"{path}.{key}";
            if (value is IReadOnlyDictionary<string, object> nested) o[key] = Metrics(at, nested, warnings);
            else if (AsDouble(value) is { } d)
            {
                if (double.IsFinite(d)) o[key] = JsonValue.Create(d);
                else
                {
                    o[key] = null;
                    warnings.Add($"{at} is {d}; written as null");
                }
            }
            else throw new ArgumentException($"{at} is a {value?.GetType().Name ?? "null"}; metrics are numbers or nested dictionaries");
        }
        return o;
    }

    static double? AsDouble(object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        _ => null,
    };

    static string Machine()
    {
        string device = Environment.GetEnvironmentVariable(TorchDevice.EnvironmentVariable) is { Length: > 0 } d ? d.ToUpperInvariant() : "CPU";
        return $"{Environment.ProcessorCount} cores, {device}";
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

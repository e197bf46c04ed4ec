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

    /// <summary>A display name as a metrics key: "no CoordConv" → "no_coordconv".</summary>
    public static string Key(string name)
        => string.Join("_", NonKey().Split(name.ToLowerInvariant()).Where(p => p.Length > 0));

    /// <summary>What the last <see cref="Save"/> had to say about its metrics (non-finite values).</summary>
    public static IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

    /// <summary>The results document (the runner's ResultsFile.Validate checks the files against the same schema).</summary>
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

    /// <summary>The cores and the device the notebook's models ran on (TorchDevice's choice).</summary>
    static string Machine()
    {
        string device;
        try { device = TorchDevice.Default.type.ToString().ToUpperInvariant(); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException) { device = "device unknown"; }
        return $"{Environment.ProcessorCount} cores, {device}";
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonKey();

    [GeneratedRegex("^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex NotebookName();
}

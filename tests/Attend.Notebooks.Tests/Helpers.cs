using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;
using Attend.Notebooks.Runner;

namespace Attend.Notebooks.Tests;

/// <summary>Builds small notebooks on disk and runs them.</summary>
static class Nb
{
    public static JsonObject Code(string src, params string[] tags) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = null,
        ["metadata"] = new JsonObject { ["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray()) },
        ["outputs"] = new JsonArray(), ["source"] = src,
    };
    public static JsonObject Markdown(string src) => new() { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = src };

    public static string Write(string dir, string name, params JsonObject[] cells)
    {
        var nb = new JsonObject
        {
            ["cells"] = new JsonArray(cells), ["nbformat"] = 4, ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp", ["language"] = "C#", ["display_name"] = ".NET (C#)" },
            },
        };
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, nb.ToJsonString());
        return path;
    }

    public static Task<NotebookRun> Run(string path, string outDir, Dictionary<string, string>? p = null, double? timeout = null, bool cont = false)
        => NotebookRunner.RunAsync(path,
                                   new RunOptions(outDir, false, p ?? new(), false, timeout is { } t ? TimeSpan.FromSeconds(t) : null, cont),
                                   _ => { });

    public static JsonArray Outputs(string executed, int cell) => (JsonArray)JsonNode.Parse(File.ReadAllText(executed))!["cells"]![cell]!["outputs"]!;

    public static string Text(JsonNode? lines)
        => lines is JsonArray a ? string.Concat(a.Select(l => l!.GetValue<string>())) : lines?.GetValue<string>() ?? "";
}

sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("attend-nb-").FullName;
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}

/// <summary>An output sink that records everything, for direct session tests.</summary>
sealed class Recorder : IOutputSink
{
    public readonly List<(string Name, string Text)> Streams = new();
    public readonly List<(MimeBundle Data, string? Id, bool Update)> Displays = new();
    public void Stream(string name, string text) { lock (Streams) Streams.Add((name, text)); }
    public void Display(MimeBundle data, string? id, bool update) => Displays.Add((data, id, update));
    public void ClearOutput(bool wait) { }
    public string Out => string.Concat(Streams.Where(s => s.Name == "stdout").Select(s => s.Text));
}

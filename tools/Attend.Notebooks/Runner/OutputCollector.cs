// Maps a cell's streams, displays and result to nbformat output objects, merging consecutive
// writes to one stream and applying display updates in place.
using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;
using Attend.Notebooks.Notebooks;

namespace Attend.Notebooks.Runner;

public sealed class OutputCollector : IOutputSink
{
    readonly object gate = new();
    readonly List<JsonObject> outputs = new();
    readonly Dictionary<string, JsonObject> displays = new();
    readonly Action<string, string>? echo;
    readonly Action<string>? onUpdate;

    /// <param name="echo">Also receives stream text (stream name, text), e.g. for progress on the console.</param>
    /// <param name="onUpdate">Receives the text/plain of every display update (live progress bars).</param>
    public OutputCollector(Action<string, string>? echo = null, Action<string>? onUpdate = null)
    {
        this.echo = echo;
        this.onUpdate = onUpdate;
    }

    public void Stream(string name, string text)
    {
        lock (gate)
        {
            if (outputs.LastOrDefault() is { } last
                && last["output_type"]?.GetValue<string>() == "stream" && last["name"]?.GetValue<string>() == name)
                last["text"] = Cell.SplitLines(JoinLines(last["text"]) + text);
            else outputs.Add(new JsonObject { ["name"] = name, ["output_type"] = "stream", ["text"] = Cell.SplitLines(text) });
        }
        echo?.Invoke(name, text);
    }

    public void Display(MimeBundle data, string? displayId, bool isUpdate)
    {
        lock (gate)
        {
            if (isUpdate && displayId != null && displays.TryGetValue(displayId, out var existing))
            {
                existing["data"] = Bundle(data);
                if (onUpdate != null && data.TryGetValue("text/plain", out var text)) onUpdate(text);
                return;
            }
            var o = new JsonObject { ["data"] = Bundle(data), ["metadata"] = new JsonObject(), ["output_type"] = "display_data" };
            outputs.Add(o);
            if (displayId != null) displays[displayId] = o;
        }
    }

    public void ClearOutput(bool wait) { lock (gate) { outputs.Clear(); displays.Clear(); } }

    public void Result(MimeBundle data, int executionCount)
    {
        lock (gate) outputs.Add(new JsonObject
        {
            ["data"] = Bundle(data), ["execution_count"] = executionCount,
            ["metadata"] = new JsonObject(), ["output_type"] = "execute_result",
        });
    }

    public void Error(CellError e)
    {
        lock (gate) outputs.Add(new JsonObject
        {
            ["ename"] = e.EName, ["evalue"] = e.EValue, ["output_type"] = "error",
            ["traceback"] = new JsonArray(e.Traceback.Select(t => (JsonNode)t).ToArray()),
        });
    }

    public JsonArray ToJson() { lock (gate) return new JsonArray(outputs.Select(o => o.DeepClone()).ToArray()); }

    /// <summary>nbformat keeps text MIME values as line lists, images as base64 strings and JSON types as JSON.</summary>
    static JsonObject Bundle(MimeBundle data)
    {
        var o = new JsonObject();
        foreach (var (mime, value) in data)
            o[mime] = MimeJson.IsJson(mime) ? MimeJson.Parse(mime, value)
                : mime.StartsWith("image/") && mime != "image/svg+xml" ? value : Cell.SplitLines(value);
        return o;
    }

    static string JoinLines(JsonNode? node)
        => node is JsonArray a ? string.Concat(a.Select(x => x!.GetValue<string>())) : node?.GetValue<string>() ?? "";
}

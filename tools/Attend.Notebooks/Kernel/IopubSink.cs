// Maps what a running cell produces to IOPub messages answering its execute_request:
// stream text (batched, flushed every 50 ms and before anything else), display_data,
// update_display_data and clear_output.
using System.Text;
using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Kernel;

public sealed class IopubSink : IOutputSink, IDisposable
{
    readonly Action<string, JsonObject> publish;
    readonly object gate = new();
    readonly StringBuilder pending = new();
    string? pendingName;
    readonly Timer timer;

    /// <param name="publish">Sends (msg_type, content) on IOPub with the request as parent.</param>
    public IopubSink(Action<string, JsonObject> publish)
    {
        this.publish = publish;
        timer = new Timer(_ => Flush(), null, 50, 50);
    }

    public void Stream(string name, string text)
    {
        lock (gate)
        {
            if (pendingName != null && pendingName != name) FlushLocked();
            pendingName = name;
            pending.Append(text);
        }
    }

    public void Display(MimeBundle data, string? displayId, bool isUpdate)
    {
        var content = new JsonObject { ["data"] = Bundle(data), ["metadata"] = new JsonObject(), ["transient"] = new JsonObject() };
        if (displayId != null) content["transient"]!["display_id"] = displayId;
        Send(isUpdate ? "update_display_data" : "display_data", content);
    }

    public void ClearOutput(bool wait) => Send("clear_output", new JsonObject { ["wait"] = wait });

    /// <summary>Publishes a message after any pending stream text, keeping IOPub in write order.</summary>
    public void Send(string msgType, JsonObject content)
    {
        lock (gate) { FlushLocked(); publish(msgType, content); }
    }

    public void Flush() { lock (gate) FlushLocked(); }

    void FlushLocked()
    {
        if (pending.Length == 0 || pendingName == null) return;
        publish("stream", new JsonObject { ["name"] = pendingName, ["text"] = pending.ToString() });
        pending.Clear();
    }

    public static JsonObject Bundle(MimeBundle data)
    {
        var o = new JsonObject();
        foreach (var (mime, value) in data) o[mime] = MimeJson.IsJson(mime) ? MimeJson.Parse(mime, value) : value;
        return o;
    }

    public void Dispose() { timer.Dispose(); Flush(); }
}

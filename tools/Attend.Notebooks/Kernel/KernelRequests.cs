// Maps each shell request (kernel_info, execute, is_complete, complete, inspect) to its
// reply content and the IOPub messages it publishes.
using System.Reflection;
using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;
using Microsoft.CodeAnalysis.CSharp;
using NetMQ;

namespace Attend.Notebooks.Kernel;

public sealed partial class KernelServer
{
    public const string Implementation = "attend-csharp";
    public const string LanguageName = "C#";

    public static JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = KernelMessage.ProtocolVersion,
        ["implementation"] = Implementation,
        ["implementation_version"] = typeof(KernelServer).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
        ["language_info"] = new JsonObject
        {
            ["name"] = LanguageName,
            ["version"] = LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString(),
            ["mimetype"] = "text/x-csharp",
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            ["codemirror_mode"] = "text/x-csharp",
        },
        ["banner"] = $"C# {LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString()} on .NET {Environment.Version} "
            + "(Roslyn scripting): the attention-model notebooks' kernel",
        ["help_links"] = new JsonArray(new JsonObject { ["text"] = "TorchSharp", ["url"] = "https://github.com/dotnet/TorchSharp" }),
    };

    void Execute(NetMQSocket shell, KernelMessage request)
    {
        var c = request.Content;
        string code = c["code"]?.GetValue<string>() ?? "";
        bool silent = c["silent"]?.GetValue<bool>() ?? false;
        bool storeHistory = !silent && (c["store_history"]?.GetValue<bool>() ?? true);
        bool stopOnError = c["stop_on_error"]?.GetValue<bool>() ?? true;
        allowStdin = c["allow_stdin"]?.GetValue<bool>() ?? false;
        stdinParent = request;
        if (storeHistory) executionCount++;
        int count = executionCount;

        // The cell counts as running from here, so an interrupt that arrives while it is still
        // being announced or compiled cancels it instead of being lost.
        using var cts = new CancellationTokenSource();
        runningCell = cts;
        using var sink = new IopubSink((type, content) => Publish(type, content, request));
        runningSink = sink;
        if (!silent) sink.Send("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count });
        CellResult result;
        // Off the poller thread: NetMQPoller installs a SynchronizationContext that the engine's awaits would wait on.
        // The cell is labelled with its execution count, so tracebacks name it as the front end does (In[N]).
        try { result = Task.Run(() => engine.ExecuteAsync(code, sink, cts.Token, cellLabel: count)).GetAwaiter().GetResult(); }
        catch (Exception e)
        {
            result = new CellResult(false, null, new CellError(e.GetType().Name, e.Message, new[] { $"{e.GetType().Name}: {e.Message}" }),
                TimeSpan.Zero);
        }
        finally
        {
            runningCell = null;
            runningSink = null;
            stdinParent = null;
        }

        JsonObject reply;
        string? output = null;
        if (result.Error is { } err)
        {
            var traceback = new JsonArray(ErrorReport.Traceback(err, code, count).Select(t => (JsonNode)t).ToArray());
            sink.Send("error", new JsonObject
            {
                ["ename"] = err.EName,
                ["evalue"] = err.EValue,
                ["traceback"] = traceback.DeepClone(),
                ["execution_count"] = count,
            });
            reply = new JsonObject
            {
                ["status"] = "error",
                ["ename"] = err.EName,
                ["evalue"] = err.EValue,
                ["traceback"] = traceback,
                ["execution_count"] = count,
            };
        }
        else
        {
            if (result.HasValue && !silent)
            {
                var data = Formatters.Format(result.Value);
                output = data.TryGetValue("text/plain", out var text) ? text : null;
                sink.Send("execute_result", new JsonObject
                {
                    ["execution_count"] = count,
                    ["data"] = IopubSink.Bundle(data),
                    ["metadata"] = new JsonObject(),
                });
            }
            reply = new JsonObject
            {
                ["status"] = "ok",
                ["execution_count"] = count,
                ["payload"] = new JsonArray(),
                ["user_expressions"] = new JsonObject(),
            };
        }
        sink.Flush();
        if (storeHistory) history.Add(count, code, output);
        // Abort what is queued before answering: a request the client sends after it has the
        // error reply can then never be taken for a queued one (it was, now and then, when the
        // queue was drained after the reply).
        if (result.Error != null && stopOnError) AbortQueued(shell);
        shell.SendMultipartBytes(KernelMessage.Create("execute_reply", reply, request, session).ToFrames(signer));
    }

    /// <summary>After a failing cell with stop_on_error, execute requests already queued are
    /// answered "aborted" instead of run (as ipykernel does); other requests are served.</summary>
    void AbortQueued(NetMQSocket shell)
    {
        var frames = new List<byte[]>();
        while (shell.TryReceiveMultipartBytes(TimeSpan.Zero, ref frames))
        {
            if (Receive(frames, "shell") is { } queued)
                Serve(shell, queued, "shell", queued.MsgType == "execute_request" ? ReplyAborted : Handle);
            frames = new List<byte[]>();
        }
    }

    void ReplyAborted(NetMQSocket shell, KernelMessage request, string channel)
        => shell.SendMultipartBytes(KernelMessage.Create(
            "execute_reply", new JsonObject { ["status"] = "aborted", ["execution_count"] = executionCount }, request, session).ToFrames(signer));

    static JsonObject IsComplete(JsonObject c)
    {
        var status = CodeIntelligence.IsComplete(c["code"]?.GetValue<string>() ?? "");
        var reply = new JsonObject { ["status"] = status.Status };
        if (status.Indent != null) reply["indent"] = status.Indent;
        return reply;
    }

    JsonObject Complete(JsonObject c)
    {
        string code = c["code"]?.GetValue<string>() ?? "";
        int cursor = CodePoints.ToUtf16(code, c["cursor_pos"]?.GetValue<int>() ?? code.Length);
        var completion = intelligence.Complete(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray(completion.Matches.Select(m => (JsonNode)m).ToArray()),
            ["cursor_start"] = CodePoints.FromUtf16(code, completion.CursorStart),
            ["cursor_end"] = CodePoints.FromUtf16(code, completion.CursorEnd),
            ["metadata"] = new JsonObject(),
        };
    }

    JsonObject Inspect(JsonObject c)
    {
        string code = c["code"]?.GetValue<string>() ?? "";
        int cursor = CodePoints.ToUtf16(code, c["cursor_pos"]?.GetValue<int>() ?? code.Length);
        var found = intelligence.Inspect(code, cursor, c["detail_level"]?.GetValue<int>() ?? 0);
        var data = new JsonObject();
        if (found != null) data["text/plain"] = found.Documentation is { } doc ? $"{found.Signature}\n\n{doc}" : found.Signature;
        return new JsonObject { ["status"] = "ok", ["found"] = found != null, ["data"] = data, ["metadata"] = new JsonObject() };
    }
}

/// <summary>Jupyter counts cursor positions in Unicode code points (protocol 5.2); .NET strings in UTF-16 units.</summary>
public static class CodePoints
{
    public static int ToUtf16(string s, int codePoints)
    {
        int i = 0;
        for (int n = 0; n < codePoints && i < s.Length; n++) i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length ? 2 : 1;
        return i;
    }

    public static int FromUtf16(string s, int utf16)
    {
        int n = 0;
        for (int i = 0; i < utf16 && i < s.Length; n++) i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length ? 2 : 1;
        return n;
    }
}

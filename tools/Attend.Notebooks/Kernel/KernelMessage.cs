// Maps Jupyter messages to and from their ZeroMQ frames (protocol 5.3):
// [routing identities…, "<IDS|MSG>", HMAC, header, parent_header, metadata, content, buffers…].
using System.Text;
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Kernel;

public sealed class KernelMessage
{
    public const string ProtocolVersion = "5.3";
    public const string Delimiter = "<IDS|MSG>";

    public IReadOnlyList<byte[]> Identities { get; init; } = Array.Empty<byte[]>();
    public JsonObject Header { get; init; } = new();
    public JsonObject ParentHeader { get; init; } = new();
    public JsonObject Metadata { get; init; } = new();
    public JsonObject Content { get; init; } = new();
    public IReadOnlyList<byte[]> Buffers { get; init; } = Array.Empty<byte[]>();

    public string MsgType => Header["msg_type"]?.GetValue<string>() ?? "";
    public string MsgId => Header["msg_id"]?.GetValue<string>() ?? "";
    public string Session => Header["session"]?.GetValue<string>() ?? "";

    /// <summary>A new message of <paramref name="msgType"/>, answering <paramref name="parent"/> when given.</summary>
    public static KernelMessage Create(string msgType, JsonObject content, KernelMessage? parent, string session,
        IReadOnlyList<byte[]>? identities = null)
        => new()
        {
            Identities = identities ?? parent?.Identities ?? Array.Empty<byte[]>(),
            Header = new JsonObject
            {
                ["msg_id"] = Guid.NewGuid().ToString("N"),
                ["session"] = session,
                ["username"] = parent?.Header["username"]?.GetValue<string>() ?? "kernel",
                ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ"),
                ["msg_type"] = msgType,
                ["version"] = ProtocolVersion,
            },
            ParentHeader = parent != null ? (JsonObject)parent.Header.DeepClone() : new JsonObject(),
            Content = content,
        };

    public List<byte[]> ToFrames(MessageSigner signer)
    {
        byte[] header = Utf8(Header);
        byte[] parent = Utf8(ParentHeader);
        byte[] metadata = Utf8(Metadata);
        byte[] content = Utf8(Content);
        var frames = new List<byte[]>(Identities);
        frames.Add(Encoding.ASCII.GetBytes(Delimiter));
        frames.Add(Encoding.ASCII.GetBytes(signer.Sign(header, parent, metadata, content)));
        frames.AddRange(new[] { header, parent, metadata, content });
        frames.AddRange(Buffers);
        return frames;
    }

    /// <summary>Parses and authenticates frames; throws <see cref="KernelMessageException"/> naming
    /// what is wrong (no delimiter, bad signature, bad JSON), so the caller drops the message.</summary>
    public static KernelMessage FromFrames(IReadOnlyList<byte[]> frames, MessageSigner signer)
    {
        int delimiter = -1;
        for (int i = 0; i < frames.Count; i++)
            if (frames[i].AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(Delimiter))) { delimiter = i; break; }
        if (delimiter < 0) throw new KernelMessageException("no <IDS|MSG> delimiter");
        if (frames.Count < delimiter + 6)
            throw new KernelMessageException($"{frames.Count - delimiter - 1} frames after the delimiter, expected at least 5");
        string signature = Encoding.ASCII.GetString(frames[delimiter + 1]);
        byte[] header = frames[delimiter + 2];
        byte[] parent = frames[delimiter + 3];
        byte[] metadata = frames[delimiter + 4];
        byte[] content = frames[delimiter + 5];
        if (signer.Enabled && signature.Length == 0) throw new KernelMessageException("unsigned message");
        if (!signer.Verify(signature, header, parent, metadata, content)) throw new KernelMessageException("invalid signature");
        var message = new KernelMessage
        {
            Identities = frames.Take(delimiter).ToList(),
            Header = Object(header, "header"),
            ParentHeader = Object(parent, "parent_header"),
            Metadata = Object(metadata, "metadata"),
            Content = Object(content, "content"),
            Buffers = frames.Skip(delimiter + 6).ToList(),
        };
        if (message.MsgType.Length == 0) throw new KernelMessageException("header has no msg_type");
        return message;
    }

    // Relaxed escaping: code and HTML travel as written (the default encoder turns + and < into \u escapes).
    static readonly System.Text.Json.JsonSerializerOptions Wire = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping
    };

    static byte[] Utf8(JsonObject o) => Encoding.UTF8.GetBytes(o.ToJsonString(Wire));

    static JsonObject Object(byte[] frame, string part)
    {
        try { return JsonNode.Parse(frame) as JsonObject ?? throw new KernelMessageException($"{part} is not a JSON object"); }
        catch (System.Text.Json.JsonException e) { throw new KernelMessageException($"{part} is not valid JSON: {e.Message}"); }
    }
}

public sealed class KernelMessageException(string message) : Exception(message);

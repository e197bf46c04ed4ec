// Maps a Jupyter connection file (written by the client that starts the kernel) to the
// addresses the kernel binds and the key it signs with.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Kernel;

public sealed record ConnectionFile(
    string Transport, string Ip, int ShellPort, int IopubPort, int StdinPort, int ControlPort, int HbPort,
    string Key, string SignatureScheme)
{
    public string Address(int port) => Transport == "ipc" ? $"ipc://{Ip}-{port}" : $"{Transport}://{Ip}:{port}";

    public static ConnectionFile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"connection file {path} does not exist", path);
        JsonObject o;
        try { o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object"); }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"connection file {path} is not valid JSON: {e.Message}", e);
        }
        return Parse(o, path);
    }

    public static ConnectionFile Parse(JsonObject o, string name = "connection file")
    {
        string Str(string key, string? fallback = null)
            => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s
               : fallback ?? throw new FormatException($"{name}: \"{key}\" is missing or not a string");
        int Port(string key)
        {
            if (o[key] is JsonValue v && v.TryGetValue<int>(out int p) && p is > 0 and < 65536) return p;
            throw new FormatException($"{name}: \"{key}\" must be a port number between 1 and 65535");
        }
        string transport = Str("transport", "tcp");
        if (transport is not ("tcp" or "ipc")) throw new FormatException($"{name}: transport \"{transport}\" is not tcp or ipc");
        string scheme = Str("signature_scheme", "hmac-sha256");
        if (scheme != "hmac-sha256") throw new FormatException($"{name}: signature_scheme \"{scheme}\" is not supported (only hmac-sha256)");
        return new ConnectionFile(transport, Str("ip", "127.0.0.1"), Port("shell_port"), Port("iopub_port"), Port("stdin_port"),
            Port("control_port"), Port("hb_port"), Str("key", ""), scheme);
    }
}

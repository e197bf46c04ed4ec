// Maps nbformat JSON text to a JsonNode tree and back, writing the canonical form Jupyter
// writes (keys sorted, one-space indent, non-ASCII kept, trailing newline), so reading and
// writing an unmodified notebook changes no byte.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Notebooks;

public static class NotebookJson
{
    public static JsonObject Parse(string text, string file)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false }); }
        catch (JsonException e)
        {
            throw new NotebookFormatException(file, $"line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}",
                $"invalid JSON ({e.Message.Split(" Path:")[0]})");
        }
        return node as JsonObject ?? throw new NotebookFormatException(file, "top level", "a notebook must be a JSON object");
    }

    public static string Serialize(JsonNode root)
    {
        var buffer = new MemoryStream();
        var options = new JsonWriterOptions
        {
            Indented = true, IndentSize = 1, IndentCharacter = ' ',
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n",
        };
        using (var w = new Utf8JsonWriter(buffer, options)) Write(w, root);
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    static void Write(Utf8JsonWriter w, JsonNode? node)
    {
        switch (node)
        {
            case null: w.WriteNullValue(); break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var kv in o.OrderBy(kv => kv.Key, StringComparer.Ordinal)) { w.WritePropertyName(kv.Key); Write(w, kv.Value); }
                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var item in a) Write(w, item);
                w.WriteEndArray();
                break;
            default: node.WriteTo(w); break;
        }
    }
}

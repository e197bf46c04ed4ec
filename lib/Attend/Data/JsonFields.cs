// Maps annotation JSON (CLEVR scenes, COCO instances) to values, with errors that name the file
// and the missing field instead of a bare KeyNotFoundException.
using System.Text.Json;

namespace Attend.Data;

static class JsonFields
{
    public static JsonDocument Parse(string file)
    {
        try { return JsonDocument.Parse(File.ReadAllBytes(file)); }
        catch (JsonException e) { throw new InvalidDataException($"{file} is not valid JSON: {e.Message}", e); }
    }

    public static string Str(JsonElement e, string name, string file)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new InvalidDataException($"{file}: an entry lacks the string \"{name}\"");

    public static JsonElement Array(JsonElement e, string name, string file)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v
            : throw new InvalidDataException($"{file}: an entry lacks the array \"{name}\"");

    public static long Int(JsonElement e, string name, string file)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetInt64()
            : throw new InvalidDataException($"{file}: an entry lacks the number \"{name}\"");
}

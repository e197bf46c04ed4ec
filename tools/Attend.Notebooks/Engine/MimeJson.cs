// Maps the JSON MIME types of a bundle (application/json, application/…+json) to JSON values:
// nbformat and Jupyter's messages keep them as JSON, and a front end reads a string there as a
// JSON string, not as the chart it encodes. Bundles hold them as JSON text.
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Engine;

public static class MimeJson
{
    public static bool IsJson(string mime)
        => mime == "application/json"
           || (mime.StartsWith("application/", StringComparison.Ordinal) && mime.EndsWith("+json", StringComparison.Ordinal));

    /// <summary>The JSON value of a JSON MIME type's text.</summary>
    public static JsonNode? Parse(string mime, string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException e) { throw new InvalidOperationException($"the {mime} output is not valid JSON: {e.Message}", e); }
    }
}

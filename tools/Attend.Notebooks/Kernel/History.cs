// Maps the cells a kernel has run to history_request answers (tail, range, search), kept in
// memory for the kernel's life: one session, lines numbered by execution count.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Attend.Notebooks.Kernel;

public sealed class History
{
    public const int Session = 1;
    readonly List<(int Line, string Input, string? Output)> entries = new();

    public void Add(int line, string input, string? output) => entries.Add((line, input, output));

    public JsonArray Answer(JsonObject request)
    {
        bool output = request["output"]?.GetValue<bool>() ?? false;
        string type = request["hist_access_type"]?.GetValue<string>() ?? "tail";
        int n = request["n"] is JsonValue nv && nv.TryGetValue<int>(out int ni) ? ni : 10;
        IEnumerable<(int Line, string Input, string? Output)> chosen = type switch
        {
            "tail" => entries.TakeLast(Math.Max(0, n)),
            "range" => Range(request),
            "search" => Search(request, n),
            _ => Array.Empty<(int, string, string?)>(),
        };
        return new JsonArray(chosen.Select(e => (JsonNode)new JsonArray(Session, e.Line,
            output ? new JsonArray(e.Input, e.Output) : JsonValue.Create(e.Input))).ToArray());
    }

    IEnumerable<(int Line, string Input, string? Output)> Range(JsonObject request)
    {
        int session = request["session"]?.GetValue<int>() ?? 0;
        if (session != Session && session != 0) return Array.Empty<(int, string, string?)>();   // only this kernel's session is kept
        int start = request["start"]?.GetValue<int>() ?? 1;
        int? stop = request["stop"] is JsonValue sv && sv.TryGetValue<int>(out int s) ? s : null;
        return entries.Where(e => e.Line >= start && (stop == null || e.Line < stop));
    }

    /// <summary>Glob search as IPython's history (* and ?), newest n, optionally unique inputs.</summary>
    IEnumerable<(int Line, string Input, string? Output)> Search(JsonObject request, int n)
    {
        string pattern = request["pattern"]?.GetValue<string>() ?? "*";
        bool unique = request["unique"]?.GetValue<bool>() ?? false;
        var regex = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.Singleline);
        var matches = entries.Where(e => regex.IsMatch(e.Input)).ToList();
        if (unique) matches = matches.GroupBy(e => e.Input).Select(g => g.Last()).OrderBy(e => e.Line).ToList();
        return matches.TakeLast(Math.Max(0, n));
    }
}

// Maps an nbformat 4 notebook (or a .dib file) to cells the engine runs, keeping every
// field it does not understand, and back to the file.
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Notebooks;

public sealed class Notebook
{
    public JsonObject Root { get; }
    public string File { get; }
    public List<Cell> Cells { get; }

    Notebook(JsonObject root, string file)
    {
        Root = root; File = file;
        if (root["nbformat"] is not JsonValue v || !v.TryGetValue<int>(out int major) || major != 4)
            throw new NotebookFormatException(file, "nbformat", $"only nbformat 4 is supported (found {root["nbformat"]?.ToJsonString() ?? "none"})");
        if (root["cells"] is not JsonArray cells) throw new NotebookFormatException(file, "cells", "missing or not a list");
        if (root["metadata"] is not JsonObject) throw new NotebookFormatException(file, "metadata", "missing or not an object");
        Cells = cells
            .Select((c, i) => new Cell(c as JsonObject ?? throw new NotebookFormatException(file, $"cell {i + 1}", "not an object"), file, i))
            .ToList();
    }

    public static Notebook Load(string path)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"notebook not found: {path}", path);
        string text = System.IO.File.ReadAllText(path);
        return path.EndsWith(".dib", StringComparison.OrdinalIgnoreCase) ? FromDib(text, path) : Parse(text, path);
    }

    public static Notebook Parse(string json, string file) => new(NotebookJson.Parse(json, file), file);

    public string ToJson() => NotebookJson.Serialize(Root);

    /// <summary>Writes through a temporary file and a rename: an interrupted run never leaves a half-written notebook.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(ToJson()));

    public JsonObject Metadata => (JsonObject)Root["metadata"]!;

    /// <summary>The kernel language: C# unless the notebook says otherwise (.NET Interactive
    /// kernelspec ".net-csharp", language_info "C#"/"csharp", or our own kernel).</summary>
    public string DefaultLanguage
    {
        get
        {
            string? lang = Metadata["kernelspec"]?["language"]?.GetValue<string>() ?? Metadata["language_info"]?["name"]?.GetValue<string>();
            return lang is null or "C#" or "csharp" or "c#" ? "csharp" : lang.ToLowerInvariant();
        }
    }

    public Cell InsertCodeCellAfter(int index, string source, params string[] tags)
    {
        var cell = new JsonObject
        {
            ["cell_type"] = "code", ["execution_count"] = null,
            ["metadata"] = new JsonObject { ["tags"] = new JsonArray(tags.Select(t => (JsonNode)t).ToArray()) },
            ["outputs"] = new JsonArray(), ["source"] = Cell.SplitLines(source),
        };
        // nbformat 4.5 requires a unique id on every cell.
        if ((Root["nbformat"]?.GetValue<int>() ?? 4) > 4 || (Root["nbformat_minor"]?.GetValue<int>() ?? 0) >= 5)
            cell["id"] = tags.FirstOrDefault() is { } tag && Cells.All(c => c.Json["id"]?.GetValue<string>() != tag)
                ? tag
                : Guid.NewGuid().ToString("N")[..16];
        var cells = (JsonArray)Root["cells"]!;
        cells.Insert(index + 1, cell);
        var c = new Cell(cell, File, index + 1);
        Cells.Insert(index + 1, c);
        return c;
    }

    /// <summary>.NET Interactive's .dib: "#!csharp" / "#!markdown" lines start cells; an optional
    /// leading "#!meta" block holds JSON metadata.</summary>
    public static Notebook FromDib(string text, string file)
    {
        var cells = new JsonArray();
        string? kind = null;
        var lines = new List<string>();
        void Flush()
        {
            if (kind == null) return;
            string src = string.Join("\n", lines).Trim('\n');
            if (kind != "meta" && src.Length > 0)
            {
                var cell = new JsonObject
                {
                    ["cell_type"] = kind == "markdown" ? "markdown" : "code",
                    ["metadata"] = new JsonObject(),
                    ["source"] = Cell.SplitLines(src),
                };
                if (kind != "markdown")
                {
                    cell["execution_count"] = null; cell["outputs"] = new JsonArray();
                    cell["metadata"] = new JsonObject { ["dotnet_interactive"] = new JsonObject { ["language"] = kind } };
                }
                cells.Add(cell);
            }
            lines.Clear();
        }
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.StartsWith("#!") && line.Length > 2 && !line.Contains(' ')
                && line[2..] is "csharp" or "markdown" or "meta" or "fsharp" or "pwsh" or "html" or "javascript")
            {
                Flush(); kind = line[2..] == "csharp" ? "csharp" : line[2..]; continue;
            }
            if (kind == null) kind = "csharp";
            lines.Add(line);
        }
        Flush();
        var root = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject
                {
                    ["display_name"] = Kernel.KernelSpec.DefaultDisplayName,
                    ["language"] = "C#",
                    ["name"] = Kernel.KernelSpec.DefaultName,
                },
            },
            ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        return new Notebook(root, file);
    }
}

public sealed class Cell
{
    public JsonObject Json { get; }
    readonly string file;
    public int Index { get; }

    public Cell(JsonObject json, string file, int index)
    {
        Json = json; this.file = file; Index = index;
        if (json["cell_type"]?.GetValue<string>() is not ("code" or "markdown" or "raw"))
            throw new NotebookFormatException(file, $"cell {index + 1}",
                $"cell_type must be code, markdown or raw (found {json["cell_type"]?.ToJsonString() ?? "none"})");
        if (json["source"] is not (JsonArray or JsonValue))
            throw new NotebookFormatException(file, $"cell {index + 1}", "source must be a string or a list of strings");
    }

    public string CellType => Json["cell_type"]!.GetValue<string>();
    public bool IsCode => CellType == "code";

    public string Source
    {
        get => Json["source"] switch
        {
            JsonArray a => string.Concat(a.Select((l, i) =>
                l?.GetValue<string>() ?? throw new NotebookFormatException(file, $"cell {Index + 1}, source line {i + 1}", "not a string"))),
            JsonValue v => v.GetValue<string>(),
            _ => "",
        };
        set => Json["source"] = SplitLines(value);
    }

    /// <summary>The cell's language: .NET Interactive / Polyglot metadata, else the notebook default.</summary>
    public string Language(string notebookDefault)
        => (Json["metadata"]?["dotnet_interactive"]?["language"] ?? Json["metadata"]?["polyglot_notebook"]?["kernelName"])?.GetValue<string>()
           ?? notebookDefault;

    public IReadOnlyList<string> Tags
        => Json["metadata"]?["tags"] is JsonArray a ? a.Select(t => t?.GetValue<string>() ?? "").ToList() : Array.Empty<string>();

    public void SetOutputs(JsonArray outputs, int? executionCount)
    {
        Json["outputs"] = outputs;
        Json["execution_count"] = executionCount;
    }

    /// <summary>nbformat's multi-line string: a list of lines, each keeping its "\n".</summary>
    public static JsonArray SplitLines(string text)
    {
        var arr = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') { arr.Add(text[start..(i + 1)]); start = i + 1; }
        if (start < text.Length) arr.Add(text[start..]);
        return arr;
    }
}

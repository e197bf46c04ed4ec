// Maps a cell's directive lines (.NET Interactive syntax: #r "nuget: name[, version or range]",
// #i "nuget: source", #r "path.dll", #r "project dir", #:project, #!csharp, #!time) to references and flags, and the cell's code
// with those lines blanked so compiler line numbers still match the cell. A cell that starts
// with #!markdown, #!html or #!javascript is content of that language, shown as it is.
using System.Text.RegularExpressions;

namespace Attend.Notebooks.Engine;

/// <summary>A package a cell references; <see cref="Version"/> null means the newest the sources serve.</summary>
public sealed record PackageRef(string Name, string? Version);

public sealed class CellDirectives
{
    public List<PackageRef> Packages { get; } = new();
    public List<string> Assemblies { get; } = new();
    public List<string> Projects { get; } = new();
    /// <summary>Package sources added by #i "nuget: …" (a URL, or a folder as a full path).</summary>
    public List<string> Sources { get; } = new();
    public bool Time { get; set; }
    /// <summary>For a markdown, HTML or JavaScript cell: the MIME type its content shows as.</summary>
    public string? ContentMimeType { get; set; }
    public string Code { get; set; } = "";
    public bool HasReferences => Packages.Count + Assemblies.Count + Projects.Count + Sources.Count > 0;
}

public static partial class Directives
{
    [GeneratedRegex(@"^\s*#r\s+""nuget:\s*(?<name>[^,""\s]+)\s*(,\s*(?<version>[^""\s]+)\s*)?""\s*$")] private static partial Regex NuGet();
    [GeneratedRegex(@"^\s*#r\s+""(?<path>[^""]+)""\s*$")] private static partial Regex Reference();
    [GeneratedRegex(@"^\s*#i\s+""nuget:\s*(?<source>[^""]+?)\s*""\s*$")] private static partial Regex Source();
    [GeneratedRegex(@"^\s*#:project\s+(?<path>.+?)\s*$")] private static partial Regex Project();
    [GeneratedRegex(@"^\s*#!(?<name>[\w#]+)\s*$")] private static partial Regex Magic();

    /// <summary>The MIME type a cell of <paramref name="language"/> shows its text as (.NET Interactive's
    /// markdown, HTML and JavaScript kernels), else null.</summary>
    public static string? ContentMimeType(string language) => language.ToLowerInvariant() switch
    {
        "markdown" or "md" => "text/markdown",
        "html" => "text/html",
        "javascript" or "js" => "application/javascript",
        _ => null,
    };

    /// <summary>A notebook cell's source as this engine runs it: C# as it is, a markdown, HTML or
    /// JavaScript cell (by its .NET Interactive metadata) behind its magic line; null for other languages.</summary>
    public static string? CellSource(string language, string source)
    {
        if (language is "csharp" or "C#" or "c#") return source;
        if (ContentMimeType(language) == null) return null;
        return Magic().IsMatch(source.TrimStart().Split('\n')[0]) ? source : $"#!{language}\n{source}";   // Polyglot keeps the line, Jupyter not
    }

    /// <summary>Parses directives; relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static CellDirectives Parse(string source, string baseDirectory)
    {
        var d = new CellDirectives();
        var lines = source.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            Match m;
            if ((m = NuGet().Match(line)).Success)
            {
                string? version = m.Groups["version"].Success ? m.Groups["version"].Value : null;
                if (version != null && !PackageVersions.IsRequest(version))
                    throw new DirectiveException(i + 1, $"#r \"nuget: {m.Groups["name"].Value}, {version}\": '{version}' is not a version "
                        + "or a version range (e.g. 1.2.3, 1.*, [1.0,2.0))");
                d.Packages.Add(new PackageRef(m.Groups["name"].Value, version));
            }
            else if ((m = Source().Match(line)).Success)
            {
                string feed = m.Groups["source"].Value;
                d.Sources.Add(feed.Contains("://") ? feed : Path.GetFullPath(Path.Combine(baseDirectory, feed)));
            }
            else if ((m = Reference().Match(line)).Success) AddPath(d, m.Groups["path"].Value, baseDirectory, i + 1);
            else if ((m = Project().Match(line)).Success) AddPath(d, m.Groups["path"].Value.Trim('"'), baseDirectory, i + 1, projectOnly: true);
            else if ((m = Magic().Match(line)).Success)
            {
                switch (m.Groups["name"].Value)
                {
                    case "csharp" or "c#" or "C#": break;
                    case "time": d.Time = true; break;
                    case var name when ContentMimeType(name) is { } mime:
                        d.ContentMimeType = mime;
                        d.Code = string.Join("\n", lines.Skip(i + 1)).Trim('\n');
                        return d;
                    case var other:
                        throw new DirectiveException(i + 1, $"unsupported magic command #!{other}: this engine runs C# cells and shows "
                            + "#!markdown, #!html and #!javascript cells (other magic commands: #!csharp, #!time)");
                }
            }
            else continue;
            lines[i] = "";   // keep line numbers
        }
        d.Code = string.Join("\n", lines);
        return d;
    }

    static void AddPath(CellDirectives d, string raw, string baseDirectory, int line, bool projectOnly = false)
    {
        string path = Path.GetFullPath(Path.Combine(baseDirectory, raw));
        if (!projectOnly && path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(path)) throw new DirectiveException(line, $"assembly not found: {path}");
            d.Assemblies.Add(path);
            return;
        }
        if (Directory.Exists(path))
        {
            var projects = Directory.GetFiles(path, "*.csproj");
            if (projects.Length != 1) throw new DirectiveException(line, $"{path} must contain exactly one .csproj (found {projects.Length})");
            path = projects[0];
        }
        if (!path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || !File.Exists(path))
            throw new DirectiveException(line,
                $"reference not found: {raw} (expected a .dll, a .csproj or a folder with one .csproj; resolved to {path})");
        d.Projects.Add(path);
    }
}

public sealed class DirectiveException(int line, string message) : Exception($"line {line}: {message}")
{
    public int Line { get; } = line;
}

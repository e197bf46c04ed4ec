// Maps a package name and a version request that is not one exact version (none: the newest; a
// range such as 1.* or [1.0,2.0)) to one version the package sources serve. The versions come
// from `dotnet package search`, which reads the same NuGet configuration as the restore, so the
// sources searched are the ones the host project restores from; the choice follows NuGet's own
// rules (NuGet.Versioning): a floating range takes the highest match, a range its lowest.
using System.Diagnostics;
using System.Text.Json.Nodes;
using NuGet.Versioning;

namespace Attend.Notebooks.Engine;

static class PackageVersions
{
    /// <summary>True when the request names one version, which the host project pins as it is.</summary>
    public static bool IsExact(string? request) => request != null && NuGetVersion.TryParse(request, out _);

    /// <summary>True for a version or a version range NuGet understands (1.2.3, 1.*, [1.0,2.0)).</summary>
    public static bool IsRequest(string request) => VersionRange.TryParse(request, allowFloating: true, out _);

    /// <summary>True when <paramref name="version"/> satisfies the request (none: any version does).</summary>
    public static bool Fits(string? request, string version)
        => request == null || (VersionRange.TryParse(request, allowFloating: true, out var range) && range.Satisfies(NuGetVersion.Parse(version)));

    /// <summary>The version to use. Without a request: the newest stable version, else (a package with
    /// prereleases only) the newest prerelease; .NET Interactive leaves this case undocumented.</summary>
    public static string Resolve(string name, string? request, IReadOnlyList<string> extraSources, string workingDirectory)
    {
        var range = request == null ? null : VersionRange.Parse(request, allowFloating: true);
        var (versions, sources, problems) = Available(name, extraSources, workingDirectory);
        string searched = $"package sources searched: {string.Join(", ", sources)}" + (problems.Count > 0 ? $"; {string.Join("; ", problems)}" : "");
        if (versions.Count == 0) throw new InvalidOperationException($"package {name} was not found ({searched})");
        var chosen = range == null ? versions.Where(v => !v.IsPrerelease).DefaultIfEmpty(versions.Max()).Max() : range.FindBestMatch(versions);
        return chosen?.ToNormalizedString() ?? throw new InvalidOperationException(
            $"package {name}: no version matches {request} (available: {string.Join(", ", versions.Order().TakeLast(5))}; {searched})");
    }

    static (List<NuGetVersion> Versions, List<string> Sources, List<string> Problems) Available(
        string name, IReadOnlyList<string> extraSources, string workingDirectory)
    {
        var versions = new List<NuGetVersion>();
        var sources = new List<string>();
        var problems = new List<string>();
        // The configured sources, then the notebook's own (#i): a --source replaces the configured ones.
        foreach (var only in extraSources.Count > 0 ? new[] { Array.Empty<string>(), extraSources.ToArray() } : new[] { Array.Empty<string>() })
        {
            var result = Search(name, only, workingDirectory);
            foreach (var s in result["searchResult"]?.AsArray() ?? new JsonArray())
            {
                sources.Add(s!["sourceName"]!.GetValue<string>());
                foreach (var p in s["packages"]?.AsArray() ?? new JsonArray())
                    if (NuGetVersion.TryParse(p!["version"]?.GetValue<string>(), out var v)) versions.Add(v);
            }
            foreach (var p in result["problems"]?.AsArray() ?? new JsonArray()) problems.Add(p!["text"]?.GetValue<string>() ?? p.ToJsonString());
        }
        return (versions.Distinct().ToList(), sources.Distinct().ToList(), problems);
    }

    static JsonNode Search(string name, string[] sources, string workingDirectory)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "package", "search", name, "--exact-match", "--prerelease", "--format", "json" }) psi.ArgumentList.Add(a);
        foreach (var s in sources)
        {
            psi.ArgumentList.Add("--source");
            psi.ArgumentList.Add(s);
        }
        using var proc = Process.Start(psi)!;
        var err = proc.StandardError.ReadToEndAsync();
        string stdout = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        try { return JsonNode.Parse(stdout) ?? new JsonObject(); }
        catch (System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"could not search the package sources for {name}: {(stdout + err.Result).Trim()}");
        }
    }
}

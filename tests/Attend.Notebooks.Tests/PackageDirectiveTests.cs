using System.IO.Compression;
using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;
using Attend.Notebooks.Runner;

namespace Attend.Notebooks.Tests;

/// <summary>#r "nuget: X" without an exact version, #i "nuget: source", unknown packages.</summary>
public class PackageDirectiveTests
{
    const string Package = "Attend.Test.Feed";

    /// <summary>A local folder feed with versions 1.0.0, 1.2.0 and 2.0.0-beta of a package with no
    /// assemblies (restoring it needs no network); a fixed path, so its host is built once.</summary>
    static string Feed()
    {
        string feed = Path.Combine(Path.GetTempPath(), "attend-test-feed");
        Directory.CreateDirectory(feed);
        foreach (var v in new[] { "1.0.0", "1.2.0", "2.0.0-beta" })
        {
            string path = Path.Combine(feed, $"{Package}.{v}.nupkg");
            if (File.Exists(path)) continue;
            using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
            using var w = new StreamWriter(zip.CreateEntry($"{Package}.nuspec").Open());
            w.Write($"<?xml version=\"1.0\"?><package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata><id>{Package}</id>"
                    + $"<version>{v}</version><authors>tests</authors><description>test package</description></metadata></package>");
        }
        return feed;
    }

    static async Task<(ExecutionSession Session, Recorder Out, CellResult Result)> Run(string cell, Action<ExecutionSession>? setUp = null)
    {
        var s = new ExecutionSession(log: _ => { });
        setUp?.Invoke(s);
        var r = new Recorder();
        var res = await s.ExecuteAsync($"#i \"nuget: {Feed()}\"\n{cell}", r);
        return (s, r, res);
    }

    [Theory]
    [InlineData("", "1.2.0", "no version given; the newest")]
    [InlineData(", 1.*", "1.2.0", "1.*; chosen from")]
    [InlineData(", [1.0,2.0)", "1.0.0", "[1.0,2.0); chosen from")]
    [InlineData(", 2.0.0-beta", "2.0.0-beta", null)]
    public async Task A_version_request_resolves_to_one_version_that_is_said_and_recorded(string request, string version, string? note)
    {
        var (s, r, res) = await Run($"#r \"nuget: {Package}{request}\"");
        Assert.True(res.Success, res.Error?.EValue);
        if (note == null)
        {
            Assert.Empty(s.Packages.Chosen);   // an exact version is used as it is
            return;
        }
        Assert.Equal(version, s.Packages.Chosen[Package]);
        Assert.Contains($"{Package} {version} ({note}", r.Out);
    }

    [Fact]
    public async Task A_recorded_version_is_used_again_when_it_fits_the_request()
    {
        var (s, r, res) = await Run($"#r \"nuget: {Package}\"", x => x.Packages.Recorded[Package] = "1.0.0");
        Assert.True(res.Success, res.Error?.EValue);
        Assert.Contains($"{Package} 1.0.0 (no version given; the version this notebook recorded)", r.Out);
        var (refit, _, later) = await Run($"#r \"nuget: {Package}, [1.1,2.0)\"", x => x.Packages.Recorded[Package] = "1.0.0");
        Assert.True(later.Success, later.Error?.EValue);
        Assert.Equal("1.2.0", refit.Packages.Chosen[Package]);
    }

    [Fact]
    public async Task A_loaded_version_that_fits_a_later_request_is_kept_and_another_exact_one_is_refused()
    {
        var (s, r, res) = await Run($"#r \"nuget: {Package}, 1.0.0\"");
        Assert.True(res.Success, res.Error?.EValue);
        foreach (var request in new[] { ", [1.0,2.0)", "" })
            Assert.True((await s.ExecuteAsync($"#r \"nuget: {Package}{request}\"", r)).Success, request);
        Assert.DoesNotContain("1.2.0", r.Out);
        var other = await s.ExecuteAsync($"#r \"nuget: {Package}, 1.2.0\"", r);
        Assert.Contains("conflicts with version 1.0.0 already loaded", other.Error!.EValue);
    }

    [Fact]
    public async Task An_unknown_package_is_an_error_naming_it_and_the_sources_searched()
    {
        var (_, _, res) = await Run("#r \"nuget: Attend.Test.NoSuchPackage\"");
        Assert.Equal("ReferenceError", res.Error!.EName);
        Assert.Contains("package Attend.Test.NoSuchPackage was not found", res.Error.EValue);
        Assert.Contains(Feed(), res.Error.EValue);
        var (_, _, range) = await Run($"#r \"nuget: {Package}, [3.0,4.0)\"");
        Assert.Contains($"package {Package}: no version matches [3.0,4.0) (available: 1.0.0, 1.2.0, 2.0.0-beta", range.Error!.EValue);
    }

    [Fact]
    public async Task The_runner_records_the_chosen_versions_in_the_notebook_and_uses_them_until_told_to_update()
    {
        using var d = new TempDir();
        var path = Nb.Write(d.Path, "pkg.ipynb", Nb.Code($"#i \"nuget: {Feed()}\"\n#r \"nuget: {Package}\""));
        var first = await Nb.Run(path, Path.Combine(d.Path, "out"));
        Assert.True(first.Success, first.Error?.EValue);
        var executed = JsonNode.Parse(File.ReadAllText(first.Written!))!;
        Assert.Equal("1.2.0", executed["metadata"]!["attend"]!["packages"]![Package]!.GetValue<string>());
        Assert.Contains($"{Package} 1.2.0", Nb.Text(Nb.Outputs(first.Written!, 0)[0]!["text"]));

        executed["metadata"]!["attend"]!["packages"]![Package] = "1.0.0";
        File.WriteAllText(path, executed.ToJsonString());
        var again = await Nb.Run(path, Path.Combine(d.Path, "again"));
        Assert.Contains($"{Package} 1.0.0 (no version given; the version this notebook recorded)", Nb.Text(Nb.Outputs(again.Written!, 0)[0]!["text"]));
        var updated = await NotebookRunner.RunAsync(path, new RunOptions(Path.Combine(d.Path, "updated"), false, new Dictionary<string, string>(),
                                                                          false, null, false, UpdatePackages: true), _ => { });
        Assert.Contains($"{Package} 1.2.0 (no version given; the newest", Nb.Text(Nb.Outputs(updated.Written!, 0)[0]!["text"]));
    }
}

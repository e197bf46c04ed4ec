// The checklist of CONTRIBUTING.md ("Adding a notebook"), checked on every notebook in notebooks/,
// so a new notebook that misses a step fails here with the step named.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Attend.Notebooks.Kernel;

namespace Attend.Notebooks.Tests;

public class NotebookConventionsTests
{
    static readonly string Repo = RunnerTests.FindRepo();

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(Repo, "notebooks"), "*.ipynb").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        JsonNode s => s.GetValue<string>(),
        null => "",
    };

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Each_notebook_follows_the_contributing_checklist(string file)
    {
        var match = Regex.Match(file, @"^(\d\d)-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$");
        Assert.True(match.Success, $"{file}: name it NN-topic.ipynb (two digits, lower-case words joined by '-')");
        string number = match.Groups[1].Value;
        var nb = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo, "notebooks", file)))!;
        var cells = nb["cells"]!.AsArray().Select(c => c!).ToList();

        Assert.True(cells[0]["cell_type"]!.GetValue<string>() == "markdown" && Source(cells[0]).StartsWith($"# {number} · "),
                    $"{file}: the first cell is a markdown title '# {number} · …'");
        Assert.Equal(KernelSpec.DefaultName, nb["metadata"]?["kernelspec"]?["name"]?.GetValue<string>());

        var code = cells.Where(c => c["cell_type"]!.GetValue<string>() == "code").ToList();
        bool Tagged(JsonNode c) => c["metadata"]?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == "parameters") == true;
        Assert.True(code.Count > 1 && Tagged(code[0]) && code.Count(Tagged) == 1,
                    $"{file}: the first code cell, and only it, is tagged 'parameters'");
        string parameters = Source(code[0]);
        Assert.Matches(@"(?m)^var seed = ", parameters);

        var quick = nb["metadata"]?["attend"]?["quick_parameters"] as JsonObject;
        Assert.True(quick is not null, $"{file}: metadata.attend.quick_parameters holds the quick-mode values (an empty object if none)");
        foreach (var (name, _) in quick!)
            Assert.True(Regex.IsMatch(parameters, $@"(?m)^var {Regex.Escape(name)} = "),
                        $"{file}: quick parameter '{name}' is not a variable of the parameters cell");

        string setup = Source(code[1]);
        Assert.True(setup.Contains("#r \"../lib/Attend\"") && setup.Contains("TorchSetup.Init("),
                    $"{file}: the second code cell references the library (#r \"../lib/Attend\") and calls TorchSetup.Init(seed)");

        foreach (Match saved in Regex.Matches(string.Concat(code.Select(Source)), @"\.Save\(""([^""]+)""\)"))
            Assert.True(saved.Groups[1].Value.StartsWith(number + "-"), $"{file}: figure {saved.Groups[1].Value} is named {number}-….png");

        Assert.True(File.ReadAllText(Path.Combine(Repo, "README.md")).Contains($"](notebooks/{file})"),
                    $"{file}: the README's notebook table links it");
    }
}

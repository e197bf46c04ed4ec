// The checklist of CONTRIBUTING.md ("Adding a notebook"), checked on every notebook in notebooks/,
// so a new notebook that misses a step fails here with the step named.
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Attend.Notebooks.Kernel;
using Attend.Notebooks.Notebooks;
using Attend.Notebooks.Runner;

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

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Each_notebook_follows_the_contributing_checklist(string file)
    {
        var match = Regex.Match(file, @"^(\d\d)-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$");
        Assert.True(match.Success, $"{file}: name it NN-topic.ipynb (two digits, lower-case words joined by '-')");
        string number = match.Groups[1].Value;
        // The engine's own reader: the same source joining and tags the runner uses.
        var nb = Notebook.Load(Path.Combine(Repo, "notebooks", file));

        Assert.True(nb.Cells[0].CellType == "markdown" && nb.Cells[0].Source.StartsWith($"# {number} · "),
                    $"{file}: the first cell is a markdown title '# {number} · …'");
        Assert.Equal(KernelSpec.DefaultName, nb.Metadata["kernelspec"]?["name"]?.GetValue<string>());

        var code = nb.Cells.Where(c => c.IsCode).ToList();
        bool Tagged(Cell c) => c.Tags.Contains(Parameters.Tag);
        Assert.True(code.Count > 1 && Tagged(code[0]) && code.Count(Tagged) == 1,
                    $"{file}: the first code cell, and only it, is tagged 'parameters'");
        string parameters = code[0].Source;
        Assert.Matches(@"(?m)^var seed = ", parameters);

        var quick = nb.Metadata["attend"]?["quick_parameters"] as JsonObject;
        Assert.True(quick is not null, $"{file}: metadata.attend.quick_parameters holds the quick-mode values (an empty object if none)");
        foreach (var (name, _) in quick!)
            Assert.True(Regex.IsMatch(parameters, $@"(?m)^var {Regex.Escape(name)} = "),
                        $"{file}: quick parameter '{name}' is not a variable of the parameters cell");

        string setup = code[1].Source;
        Assert.True(setup.Contains("#r \"../lib/Attend\"") && setup.Contains("TorchSetup.Init("),
                    $"{file}: the second code cell references the library (#r \"../lib/Attend\") and calls TorchSetup.Init(seed)");

        foreach (Match saved in Regex.Matches(string.Concat(code.Select(c => c.Source)), @"\.Save\(""([^""]+)""\)"))
            Assert.True(saved.Groups[1].Value.StartsWith(number + "-"), $"{file}: figure {saved.Groups[1].Value} is named {number}-….png");

        string stem = Path.GetFileNameWithoutExtension(file);
        Assert.True(code[^1].Source.Contains($"NotebookResults.Save(\"{stem}\""),
                    $"{file}: the last code cell records the headline numbers with NotebookResults.Save(\"{stem}\", settings, metrics)");

        Assert.True(File.ReadAllText(Path.Combine(Repo, "README.md")).Contains($"](notebooks/{file})"),
                    $"{file}: the README's notebook table links it");

        // Each chart stores its PNG twice and its figure twice (Engine/PlotlyHtml.cs): keep the notebooks light to open and review.
        long bytes = new FileInfo(Path.Combine(Repo, "notebooks", file)).Length;
        Assert.True(bytes < MaxNotebookBytes, $"{file}: {bytes / 1e6:F2} MB with its outputs; committed notebooks stay under 1.5 MB");
    }

    const long MaxNotebookBytes = 1_500_000;
}

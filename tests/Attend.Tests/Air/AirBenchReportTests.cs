using Attend.Air;
using Attend.Runtime;
using Attend.Tests.Data;

namespace Attend.Tests.Air;

public class AirBenchReportTests
{
    const string ThreeSeeds = """
        {"date_utc": "2026-12-06 05:40", "threads": 2, "epochs": 50, "train_scenes": 10000, "baseline_learning_rate": 0.001,
         "mkl_path": "as it comes",
         "seeds": [
           {"seed": 0, "final_accuracy": 0.9985, "minutes_to_98": 1.0, "minutes_50_epochs": 3.5, "three_digit_count_accuracy": 0.06},
           {"seed": 1, "final_accuracy": 0.6955, "minutes_to_98": null, "minutes_50_epochs": 3.9, "three_digit_count_accuracy": 0.0},
           {"seed": 2, "final_accuracy": 0.98, "minutes_to_98": 2.5, "minutes_50_epochs": 4.0, "three_digit_count_accuracy": 0.1}
         ]}
        """;

    [Fact]
    public void A_result_gives_its_table_and_summary_with_failed_seeds_named()
    {
        using var dir = new TempDir();
        System.IO.File.WriteAllText(dir.File("air.json"), ThreeSeeds);
        var r = AirBenchReport.Load(dir.File("air.json"));
        Assert.Equal(2, r.SeedsReaching98);             // 98 % exactly counts
        Assert.Equal(2.5, r.MedianMinutesTo98);         // 1.0, 2.5, never (+∞)
        Assert.Equal(0.001, r.BaselineLearningRate);
        var lines = r.Table().Split('\n');
        Assert.Equal(6, lines.Length);                  // heading, column names, 3 seeds, total
        Assert.Contains("baseline learning rate 0.001, MKL as it comes", lines[0]);
        Assert.Equal("   1    69.55 %       never    3.9 min     0.0 %", lines[3]);
        Assert.Equal("2 of 3 seeds reached ≥ 98 % held-out count accuracy (target: 9 of 10).", lines[5]);
        Assert.Equal("2 of 3 seeds reached ≥ 98 % (seed 1 ended at 69.55 %); median time to 98 %: 2.50 min", r.Summary());
    }

    [Fact]
    public void The_median_time_is_null_when_most_seeds_never_reach_98()
    {
        using var dir = new TempDir();
        System.IO.File.WriteAllText(dir.File("air.json"), ThreeSeeds.Replace("\"minutes_to_98\": 1.0", "\"minutes_to_98\": null"));
        Assert.Null(AirBenchReport.Load(dir.File("air.json")).MedianMinutesTo98);
    }

    [Fact]
    public void Bad_files_are_errors_that_name_the_file_and_what_is_wrong()
    {
        using var dir = new TempDir();
        Assert.Contains("bench/Attend.Bench -- air", Assert.Throws<FileNotFoundException>(() => AirBenchReport.Load(dir.File("none.json"))).Message);
        System.IO.File.WriteAllText(dir.File("cut.json"), ThreeSeeds[..200]);
        Assert.StartsWith("cut.json is not valid JSON", Assert.Throws<InvalidDataException>(() => AirBenchReport.Load(dir.File("cut.json"))).Message);
        System.IO.File.WriteAllText(dir.File("speed.json"), """{"date_utc": "x", "threads": 2}""");
        Assert.Equal("speed.json: field 'seeds' is missing",
                     Assert.Throws<InvalidDataException>(() => AirBenchReport.Load(dir.File("speed.json"))).Message);
        System.IO.File.WriteAllText(dir.File("seed.json"), ThreeSeeds.Replace("\"final_accuracy\": 0.98,", ""));
        Assert.Equal("seed.json: field 'final_accuracy' is missing",
                     Assert.Throws<InvalidDataException>(() => AirBenchReport.Load(dir.File("seed.json"))).Message);
    }

    [Fact]
    public void Every_committed_training_result_loads_and_agrees_with_its_own_totals()
    {
        // The files notebook 07 reads: each full result of bench air (not the speed-only air-step-* files).
        string folder = Path.Combine(RepoPaths.Root() ?? throw new InvalidOperationException("repository root not found"), "bench", "results");
        var files = Directory.GetFiles(folder, "air*.json").Where(f => !Path.GetFileName(f).StartsWith("air-step-")).ToList();
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            var r = AirBenchReport.Load(f);
            using var doc = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(f));
            Assert.Equal(doc.RootElement.GetProperty("seeds_reaching_98").GetInt32(), r.SeedsReaching98);
            Assert.Equal(doc.RootElement.GetProperty("seeds_run").GetInt32(), r.Seeds.Count);
        }
    }
}

// Notebooks suite: runs the whole collection with the README's main command (full mode, or quick
// with --quick) into out/bench-notebooks/ and prints each notebook's time beside the committed
// full run's (notebooks/report.md), with the totals; the table also goes to bench/results/notebooks.txt.
using System.Diagnostics;
using System.Text;
using Attend.Notebooks.Runner;

namespace Attend.Bench;

static class NotebooksBench
{
    public static int Run(bool quick)
    {
        string repo = Attend.Notebooks.SourceTree.RequireRoot();
        string committed = Path.Combine(repo, "notebooks", "report.md");
        var previous = File.Exists(committed) ? Report.Times(File.ReadAllText(committed)) : new Dictionary<string, double>();
        string outDir = Path.Combine(repo, "out", "bench-notebooks");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = repo };
        foreach (var a in new[] { typeof(RunCommand).Assembly.Location, "run", "notebooks", "--out", outDir }) psi.ArgumentList.Add(a);
        if (quick) psi.ArgumentList.Add("--quick");
        var clock = Stopwatch.StartNew();
        using (var p = Process.Start(psi)!) p.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        var now = Report.Times(File.ReadAllText(Path.Combine(outDir, "report.md")));

        var sb = new StringBuilder();
        sb.AppendLine($"notebooks ({(quick ? "quick" : "full")} mode) beside the committed full run (notebooks/report.md), seconds");
        sb.AppendLine($"{"notebook",-28}{"committed",12}{"this run",12}{"ratio",8}");
        foreach (var name in previous.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            string before = previous.TryGetValue(name, out var b) ? $"{b,12:F1}" : $"{"-",12}";
            string after = now.TryGetValue(name, out var a) ? $"{a,12:F1}" : $"{"failed",12}";
            string ratio = previous.ContainsKey(name) && now.ContainsKey(name) && a > 0 ? $"{b / a,7:F1}x" : "";
            sb.AppendLine($"{name,-28}{before}{after}{ratio,8}");
        }
        sb.AppendLine($"{"total",-28}{previous.Values.Sum(),12:F1}{now.Values.Sum(),12:F1}");
        sb.AppendLine($"whole command: {wall / 60:F1} min wall-clock (the README's main command writes in place; this run writes to out/)");
        Console.Write(sb);
        string results = Path.Combine(repo, "bench", "results", quick ? "notebooks-quick.txt" : "notebooks.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        File.WriteAllText(results, $"# bench notebooks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores\n{sb}");
        Console.WriteLine($"written to bench/results/{Path.GetFileName(results)}");
        return now.Count == previous.Count || previous.Count == 0 ? 0 : 1;
    }
}

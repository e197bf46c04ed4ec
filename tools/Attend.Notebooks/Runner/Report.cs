// Maps the runs of one invocation to a Markdown report: each notebook's status, time,
// parameters, figures and first error.
using System.Text;

namespace Attend.Notebooks.Runner;

public static class Report
{
    public static string Markdown(IReadOnlyList<NotebookRun> runs, string reportPath, string mode)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;
        string Rel(string p) => Path.GetRelativePath(dir, p).Replace('\\', '/');
        var sb = new StringBuilder();
        sb.AppendLine("# Notebook run report").AppendLine();
        sb.AppendLine($"Mode: {mode}. {runs.Count(r => r.Success)} of {runs.Count} notebooks succeeded; total {runs.Sum(r => r.Elapsed.TotalSeconds):F0} s.").AppendLine();
        sb.AppendLine("| notebook | status | time | cells | parameters | figures |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in runs)
        {
            string status = r.Success ? "ok" : $"**failed** at cell {r.FailedCell}: {r.Error?.EName}";
            string ps = r.Parameters.Count == 0 ? "defaults" : string.Join(", ", r.Parameters.Select(kv => $"`{kv.Key}={kv.Value}`"));
            string figs = r.Figures.Count == 0 ? "" : string.Join("<br>", r.Figures.Select(f => $"[{Path.GetFileName(f)}]({Rel(f)})"));
            string name = r.Written != null ? $"[{Path.GetFileName(r.Notebook)}]({Rel(r.Written)})" : Path.GetFileName(r.Notebook);
            sb.AppendLine($"| {name} | {status} | {r.Elapsed.TotalSeconds:F1} s | {r.CellsRun} | {ps} | {figs} |");
        }
        foreach (var r in runs.Where(r => !r.Success && r.Error != null))
        {
            sb.AppendLine().AppendLine($"## {Path.GetFileName(r.Notebook)}: cell {r.FailedCell}").AppendLine().AppendLine("```");
            foreach (var line in r.Error!.Traceback.DefaultIfEmpty($"{r.Error.EName}: {r.Error.EValue}")) sb.AppendLine(line);
            sb.AppendLine("```");
        }
        return sb.ToString();
    }
}

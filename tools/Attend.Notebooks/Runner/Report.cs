// Maps the runs of one invocation to a Markdown report: each notebook's status, time,
// parameters, headline numbers (its results file), figures and first error. Rows of an earlier report for notebooks not run this
// time can be kept, so re-running one notebook in place does not drop the others' rows.
using System.Text;

namespace Attend.Notebooks.Runner;

public static class Report
{
    const string Header = "| notebook | status | time | cells | parameters | results | figures |";
    const string EarlierMark = " (earlier run)";

    public static string Markdown(IReadOnlyList<NotebookRun> runs, string reportPath, string mode, string? earlierReport = null)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;
        string Rel(string p) => Path.GetRelativePath(dir, p).Replace('\\', '/');
        var sb = new StringBuilder();
        sb.AppendLine("# Notebook run report").AppendLine();
        var kept = earlierReport is null ? new List<(string Name, string Row)>() : KeptRows(earlierReport, runs);
        sb.AppendLine($"Mode: {mode}. {runs.Count(r => r.Success)} of {runs.Count} notebooks succeeded; "
            + $"total {runs.Sum(r => r.Elapsed.TotalSeconds):F0} s.");
        if (kept.Count > 0)
            sb.AppendLine($"Rows marked \"{EarlierMark.Trim()}\" are kept from the previous report: those notebooks were not run this time.");
        sb.AppendLine().AppendLine(Header);
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        var rows = new List<(string Name, string Row)>(kept);
        foreach (var r in runs)
        {
            string status = r.Success ? "ok" : $"**failed** at cell {r.FailedCell}: {r.Error?.EName}";
            string ps = r.Parameters.Count == 0 ? "defaults" : string.Join(", ", r.Parameters.Select(kv => $"`{kv.Key}={kv.Value}`"));
            string figs = r.Figures.Count == 0 ? "" : string.Join("<br>", r.Figures.Select(f => $"[{Path.GetFileName(f)}]({Rel(f)})"));
            string name = r.Written != null ? $"[{Path.GetFileName(r.Notebook)}]({Rel(r.Written)})" : Path.GetFileName(r.Notebook);
            string results = ResultsFile.Describe(r, "<br>", h => $"`{h}`");
            string time = $"{r.Elapsed.TotalSeconds:F1} s";
            rows.Add((Path.GetFileName(r.Notebook), $"| {name} | {status} | {time} | {r.CellsRun} | {ps} | {results} | {figs} |"));
        }
        foreach (var (_, row) in rows.OrderBy(t => t.Name, StringComparer.Ordinal)) sb.AppendLine(row);
        foreach (var r in runs.Where(r => !r.Success && r.Error != null))
        {
            sb.AppendLine().AppendLine($"## {Path.GetFileName(r.Notebook)}: cell {r.FailedCell}").AppendLine().AppendLine("```");
            foreach (var line in r.Error!.Traceback.DefaultIfEmpty($"{r.Error.EName}: {r.Error.EValue}")) sb.AppendLine(line);
            sb.AppendLine("```");
        }
        return sb.ToString();
    }

    /// <summary>Each notebook's run time in seconds from a report's table (rows kept from earlier runs included).</summary>
    public static Dictionary<string, double> Times(string report)
    {
        var times = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, cells) in Rows(report))
            if (cells[2].EndsWith(" s") && double.TryParse(cells[2][..^2], System.Globalization.CultureInfo.InvariantCulture, out double t))
                times[name] = t;
        return times;
    }

    /// <summary>The table rows of a report: notebook file name and the row's cells.</summary>
    static IEnumerable<(string Name, string[] Cells)> Rows(string report)
    {
        bool inTable = false;
        foreach (var line in report.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("| notebook | status | time |")) { inTable = true; continue; }
            if (!inTable || line.StartsWith("| ---")) continue;
            if (!line.StartsWith("| ")) { if (line.Length == 0) yield break; continue; }
            var cells = line.Split(" | ");
            if (cells.Length < 6) continue;
            // "| [name.ipynb](link)" or "| name.ipynb"
            string first = cells[0].TrimStart('|', ' ');
            yield return (first.StartsWith('[') ? first[1..first.IndexOf(']')] : first, cells);
        }
    }

    /// <summary>The table rows of <paramref name="earlier"/> whose notebook is not among
    /// <paramref name="runs"/>, their status marked as from the earlier run.</summary>
    static List<(string Name, string Row)> KeptRows(string earlier, IReadOnlyList<NotebookRun> runs)
    {
        var ran = runs.Select(r => Path.GetFileName(r.Notebook)).ToHashSet(StringComparer.Ordinal);
        var kept = new List<(string, string)>();
        foreach (var (name, row) in Rows(earlier))
        {
            if (ran.Contains(name)) continue;
            // A row from before the results column gets an empty one.
            var cells = row.Length == 6 ? row.Take(5).Append("").Concat(row.Skip(5)).ToArray() : row;
            if (!cells[1].EndsWith(EarlierMark)) cells[1] += EarlierMark;
            kept.Add((name, string.Join(" | ", cells)));
        }
        return kept;
    }
}

// Maps the runs of one invocation to the table the runner ends with: each notebook's status,
// time and headline numbers, so a long run's outcome reads at a glance.
using Spectre.Console;

namespace Attend.Notebooks.Runner;

public static class Summary
{
    const int HeadlinesShown = 4;

    public static void Write(IReadOnlyList<NotebookRun> runs)
    {
        var table = new Table().Border(TableBorder.Simple).Title("[bold]Summary[/]");
        table.AddColumn("notebook");
        table.AddColumn("status");
        table.AddColumn(new TableColumn("time").RightAligned());
        table.AddColumn("headline numbers (results file)");
        foreach (var r in runs)
        {
            string status = r.Success ? "[green]ok[/]" : $"[red]failed[/] at cell {r.FailedCell}";
            string headlines = ResultsFile.Describe(r, "\n", h => h.ToString(), HeadlinesShown);
            table.AddRow(Markup.Escape(Path.GetFileNameWithoutExtension(r.Notebook)), status, Time(r.Elapsed), Markup.Escape(headlines));
        }
        table.AddRow("[bold]total[/]", $"{runs.Count(r => r.Success)}/{runs.Count} ok", Time(TimeSpan.FromTicks(runs.Sum(r => r.Elapsed.Ticks))), "");
        AnsiConsole.Write(table);
    }

    static string Time(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds:D2} s" : $"{t.TotalSeconds:F1} s";
}

// Maps `run <notebooks...>` and its options to notebook runs, progress lines, a report and an exit code.
using System.CommandLine;
using Attend.Notebooks.Notebooks;
using Spectre.Console;

namespace Attend.Notebooks.Runner;

public static class RunCommand
{
    public static Command Create()
    {
        var notebooks = new Argument<string[]>("notebooks")
        {
            Description = "Notebook files (.ipynb, .dib) or folders of .ipynb files, run in name order",
            Arity = ArgumentArity.OneOrMore
        };
        var outDir = new Option<string>("--out")
        {
            Description = "Folder for executed notebooks, figures and report (default: out)",
            DefaultValueFactory = _ => "out"
        };
        var inPlace = new Option<bool>("--in-place")
        {
            Description = "Write outputs back into the notebooks and figures into ../figures (full mode: the published results)"
        };
        var param = new Option<string[]>("--parameter", "-p")
        {
            Description = "Override a parameter: -p epochs=2 (repeatable)",
            AllowMultipleArgumentsPerToken = false
        };
        var quick = new Option<bool>("--quick")
        {
            Description = "Apply each notebook's quick parameters (metadata attend.quick_parameters), as CI does"
        };
        var timeout = new Option<double?>("--cell-timeout") { Description = "Seconds a cell may run before it is interrupted" };
        var cont = new Option<bool>("--continue-on-error") { Description = "Keep running later cells after a failing cell" };
        var report = new Option<string?>("--report")
        {
            Description = "Report path (default: <out>/report.md, or notebooks/report.md with --in-place)"
        };
        var prepare = new Option<bool>("--prepare-only")
        {
            Description = "Only write the parameterised notebooks to --out, without running them (e.g. for nbconvert with the kernel)"
        };
        var update = new Option<bool>("--update-packages")
        {
            Description = "Choose anew the versions of #r \"nuget: …\" packages without an exact version (else the ones the notebook recorded)"
        };
        var inProcess = new Option<bool>("--in-process")
        {
            Description = "Run all notebooks in this process (default: each notebook of a multi-notebook run in a fresh process)"
        };
        var record = new Option<string?>(NotebookProcess.RecordOption) { Hidden = true };   // the parent's file for a child's run
        var cmd = new Command("run", "Execute notebooks headless and write executed copies, figures and a report.")
            { notebooks, outDir, inPlace, param, quick, timeout, cont, report, prepare, update, inProcess, record };
        cmd.SetAction(async (parse, ct) =>
        {
            List<string> files;
            Dictionary<string, string> overrides;
            try
            {
                files = Expand(parse.GetValue(notebooks)!);
                overrides = (parse.GetValue(param) ?? Array.Empty<string>())
                    .Select(Parameters.ParseAssignment)
                    .ToDictionary(kv => kv.Key, kv => kv.Value);
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                return 2;
            }
            bool inplace = parse.GetValue(inPlace);
            bool isQuick = parse.GetValue(quick);
            if (inplace && isQuick)
            {
                AnsiConsole.MarkupLine(
                    "[red]error:[/] --quick runs cannot be written --in-place (they would replace the published full-mode outputs)");
                return 2;
            }
            double? seconds = parse.GetValue(timeout);
            var options = new RunOptions(parse.GetValue(outDir)!, inplace, overrides, isQuick,
                seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : null, parse.GetValue(cont), UpdatePackages: parse.GetValue(update),
                Terminal: new TerminalProgress());
            if (parse.GetValue(prepare))
            {
                if (inplace) { AnsiConsole.MarkupLine("[red]error:[/] --prepare-only writes to --out, not --in-place"); return 2; }
                try { foreach (var f in files) AnsiConsole.WriteLine($"prepared {NotebookRunner.Prepare(f, options)}"); }
                catch (Exception e) when (e is NotebookFormatException or IOException)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                    return 1;
                }
                return 0;
            }
            string? recordPath = parse.GetValue(record);
            bool separate = files.Count > 1 && recordPath == null && !parse.GetValue(inProcess);
            var childArguments = ChildArguments(parse.GetValue(outDir)!, inplace, overrides, isQuick, seconds,
                                                parse.GetValue(cont), parse.GetValue(update));
            var runs = new List<NotebookRun>();
            foreach (var f in files)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{Path.GetFileName(f)}[/] ({(isQuick ? "quick" : "full")} mode)");
                if (separate)
                {
                    runs.Add(NotebookProcess.Run(f, childArguments, overrides));
                    if (runs[^1].Error is { EName: "NotebookProcessError" } crash)
                        AnsiConsole.MarkupLineInterpolated($"  [red]FAILED[/]: {crash.EValue}");
                    continue;   // the child printed its own result line
                }
                try { runs.Add(await NotebookRunner.RunAsync(f, options, line => AnsiConsole.WriteLine(line))); }
                catch (Exception e) when (e is NotebookFormatException or FileNotFoundException or IOException)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                    runs.Add(new NotebookRun(Path.GetFullPath(f), null, false, TimeSpan.Zero, 0, null,
                        new Engine.CellError("NotebookError", e.Message, new[] { e.Message }), Array.Empty<string>(), overrides));
                }
                NativeAllocator.ReleaseBetweenNotebooks();
                var r = runs[^1];
                if (r.Success)
                    AnsiConsole.MarkupLineInterpolated($"  [green]ok[/] in {r.Elapsed.TotalSeconds:F1} s → {(r.Written is { } w ? Shown(w) : "")}");
                else if (r.FailedCell != null)
                    AnsiConsole.MarkupLineInterpolated(
                        $"  [red]FAILED[/]: {Path.GetFileName(f)}, cell {r.FailedCell}: {r.Error!.EName}: {r.Error.EValue}");
            }
            if (recordPath != null)
            {
                NotebookProcess.WriteRecord(recordPath, runs.Single());
                return runs[0].Success ? 0 : 1;
            }
            string reportPath = parse.GetValue(report)
                ?? (inplace
                    ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(files[0]))!, "report.md")
                    : Path.Combine(options.OutDir, "report.md"));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(reportPath))!);
            // In place, rows of notebooks not run this time stay in the report (marked as earlier).
            string? earlier = inplace && File.Exists(reportPath) ? File.ReadAllText(reportPath) : null;
            File.WriteAllText(reportPath, Report.Markdown(runs, reportPath, isQuick ? "quick" : "full", earlier));
            Summary.Write(runs);
            AnsiConsole.MarkupLineInterpolated($"Report: {Shown(reportPath)}. {runs.Count(r => r.Success)}/{runs.Count} notebooks succeeded.");
            return runs.All(r => r.Success) ? 0 : 1;
        });
        return cmd;
    }

    /// <summary>The options a child process gets, so it runs its notebook exactly as this process would.</summary>
    static List<string> ChildArguments(string outDir, bool inPlace, Dictionary<string, string> overrides, bool quick, double? cellTimeout,
                                       bool continueOnError, bool updatePackages)
    {
        var a = new List<string> { "--out", outDir };
        if (inPlace) a.Add("--in-place");
        foreach (var (k, v) in overrides) a.AddRange(new[] { "-p", $"{k}={v}" });
        if (quick) a.Add("--quick");
        if (cellTimeout is > 0) a.AddRange(new[] { "--cell-timeout", cellTimeout.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (continueOnError) a.Add("--continue-on-error");
        if (updatePackages) a.Add("--update-packages");
        return a;
    }

    static List<string> Expand(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var i in inputs)
        {
            if (Directory.Exists(i)) files.AddRange(Directory.GetFiles(i, "*.ipynb").Order(StringComparer.Ordinal));
            else if (File.Exists(i)) files.Add(i);
            else throw new FileNotFoundException($"no such notebook or folder: {i}");
        }
        if (files.Count == 0) throw new FileNotFoundException($"no notebooks found in {string.Join(", ", inputs)}");
        return files;
    }

    /// <summary>A path as the runner prints it: relative to the working folder when inside it, so the
    /// output names no machine's folders.</summary>
    static string Shown(string path)
        => Path.GetRelativePath(Environment.CurrentDirectory, path) is var rel && !rel.StartsWith("..") && !Path.IsPathRooted(rel) ? rel : path;
}

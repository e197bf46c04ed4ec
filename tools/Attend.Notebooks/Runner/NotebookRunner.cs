// Maps a notebook file and run options to an executed notebook (outputs replaced), written
// to the output folder or in place, and a summary for the report.
using System.Diagnostics;
using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;
using Attend.Notebooks.Notebooks;

namespace Attend.Notebooks.Runner;

public sealed record RunOptions(
    string OutDir, bool InPlace, IReadOnlyDictionary<string, string> Parameters, bool Quick,
    TimeSpan? CellTimeout, bool ContinueOnError, string? FiguresDir = null, bool UpdatePackages = false, TerminalProgress? Terminal = null)
{
    /// <summary>Where the notebooks' results files go: the repository's results/ in place, else &lt;out&gt;/results.</summary>
    public string ResultsDir(string notebook) => Path.GetFullPath(InPlace
        ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notebook))!, "..", "results")
        : Path.Combine(OutDir, "results"));
}

public sealed record NotebookRun(
    string Notebook, string? Written, bool Success, TimeSpan Elapsed, int CellsRun, int? FailedCell,
    CellError? Error, IReadOnlyList<string> Figures, IReadOnlyDictionary<string, string> Parameters,
    RunResults? Results = null);

public static class NotebookRunner
{
    public const string QuickParametersKey = "quick_parameters";
    /// <summary>metadata.attend.packages: the versions chosen for #r "nuget: …" without an exact version,
    /// so a re-run of the executed notebook restores the same ones (--update-packages chooses anew).</summary>
    public const string PackagesKey = "packages";

    /// <summary>AppContext data the library's Figure.Save calls with each saved path (Attend.Plotting.Figure.SavedKey).</summary>
    public const string FigureSavedKey = "Attend.Notebooks.FigureSaved";

    public static async Task<NotebookRun> RunAsync(string path, RunOptions o, Action<string> progress)
    {
        var sw = Stopwatch.StartNew();
        string full = Path.GetFullPath(path);
        var nb = Notebook.Load(full);
        var parameters = Parameterize(nb, o);

        string figures = Path.GetFullPath(o.FiguresDir
            ?? (o.InPlace ? Path.Combine(Path.GetDirectoryName(full)!, "..", "figures") : Path.Combine(o.OutDir, "figures")));
        Directory.CreateDirectory(figures);
        var figuresBefore = Snapshot(figures);
        var saved = new List<string>();
        AppContext.SetData(FigureSavedKey, (Action<string>)(p => { lock (saved) saved.Add(Path.GetFullPath(p)); }));
        Environment.SetEnvironmentVariable("ATTEND_FIGURES", figures);
        Environment.SetEnvironmentVariable("ATTEND_RUN_MODE", o.Quick ? "quick" : "full");
        Environment.SetEnvironmentVariable(ResultsFile.Variable, o.ResultsDir(full));
        var started = DateTime.UtcNow;
        string savedCwd = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Path.GetDirectoryName(full)!;
        var session = new ExecutionSession(full, m => progress("  " + m));
        if (!o.UpdatePackages && nb.Metadata["attend"]?[PackagesKey] is JsonObject recorded)
            foreach (var (name, version) in recorded) session.Packages.Recorded[name] = version!.GetValue<string>();
        string language = nb.DefaultLanguage;
        int count = 0;
        int cellsRun = 0;
        int? failed = null;
        CellError? firstError = null;
        try
        {
            var codeCells = nb.Cells.Where(c => c.IsCode).ToList();
            foreach (var cell in codeCells)
            {
                int position = nb.Cells.IndexOf(cell) + 1;
                string? source = Directives.CellSource(cell.Language(language), cell.Source);
                if (source == null)
                {
                    var err = new CellError("UnsupportedLanguage", $"cell {position} is {cell.Language(language)}; this engine runs C# cells "
                        + "and shows markdown, HTML and JavaScript cells", Array.Empty<string>());
                    Record(cell, new OutputCollector(), err, null);
                    (failed, firstError) = (failed ?? position, firstError ?? err);
                    if (!o.ContinueOnError) break;
                    continue;
                }
                var outputs = new OutputCollector(onUpdate: o.Terminal == null ? null : o.Terminal.Update);
                using var cts = o.CellTimeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
                var result = await session.ExecuteAsync(source, outputs, cts.Token, o.CellTimeout?.Add(TimeSpan.FromSeconds(30)), position);
                int executionCount = ++count; cellsRun++;
                var error = result.Error;
                if (error != null && cts.IsCancellationRequested && o.CellTimeout is { } limit)
                    error = new CellError("CellTimeoutError", $"cell {position} exceeded the {limit.TotalSeconds:F0} s cell time-out",
                        error.Traceback);
                if (result.HasValue) outputs.Result(Formatters.Format(result.Value), executionCount);
                Record(cell, outputs, error, executionCount);
                o.Terminal?.EndCell();
                progress($"  cell {position}/{nb.Cells.Count} {(error == null ? "ok" : "FAILED")} ({result.Elapsed.TotalSeconds:F1} s)");
                if (error != null)
                {
                    (failed, firstError) = (failed ?? position, firstError ?? error);
                    if (!o.ContinueOnError || session.Broken) break;
                }
            }
        }
        finally
        {
            Environment.CurrentDirectory = savedCwd;
            AppContext.SetData(FigureSavedKey, null);
        }
        RecordPackages(nb, session.Packages.Chosen);

        // A failed in-place run must not replace the committed notebook: it goes to the output folder.
        string target = o.InPlace && failed == null
            ? full
            : Path.Combine(Path.GetFullPath(o.OutDir), Path.GetFileNameWithoutExtension(full) + ".ipynb");
        nb.Save(target);
        // The figures the notebook saved through the library; for notebooks that write PNGs another way,
        // the files that changed in the figures folder during the run.
        var newFigures = (saved.Count > 0
                ? saved.Distinct().Where(File.Exists)
                : Snapshot(figures).Where(kv => !figuresBefore.TryGetValue(kv.Key, out var t) || t != kv.Value).Select(kv => kv.Key))
            .Order()
            .ToList();
        string results = Path.Combine(o.ResultsDir(full), Path.GetFileNameWithoutExtension(full) + ".json");
        return new NotebookRun(full, target, failed == null, sw.Elapsed, cellsRun, failed, firstError, newFigures, parameters,
            ResultsFile.Read(results, started, Path.GetFileNameWithoutExtension(full)));
    }

    /// <summary>Applies the quick parameters (with --quick) and the overrides as an injected-parameters cell.</summary>
    public static Dictionary<string, string> Parameterize(Notebook nb, RunOptions o)
    {
        var parameters = new Dictionary<string, string>();
        if (o.Quick && nb.Metadata["attend"]?[QuickParametersKey] is JsonObject quick)
            foreach (var (k, v) in quick) parameters[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v!.ToJsonString();
        foreach (var (k, v) in o.Parameters) parameters[k] = v;
        Parameters.Inject(nb, parameters);
        return parameters;
    }

    /// <summary>Writes the parameterised notebook without running it (papermill's --prepare-only),
    /// for another client to execute, e.g. nbconvert with the Jupyter kernel.</summary>
    public static string Prepare(string path, RunOptions o)
    {
        var nb = Notebook.Load(Path.GetFullPath(path));
        Parameterize(nb, o);
        string target = Path.Combine(Path.GetFullPath(o.OutDir), Path.GetFileNameWithoutExtension(path) + ".ipynb");
        if (target == Path.GetFullPath(path)) throw new IOException($"--prepare-only would overwrite {path}; choose another --out");
        Directory.CreateDirectory(o.OutDir);
        nb.Save(target);
        return target;
    }

    static void RecordPackages(Notebook nb, IReadOnlyDictionary<string, string> chosen)
    {
        if (chosen.Count == 0) return;
        if (nb.Metadata["attend"] is not JsonObject attend) nb.Metadata["attend"] = attend = new JsonObject();
        attend[PackagesKey] = new JsonObject(chosen.OrderBy(kv => kv.Key).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
    }

    static void Record(Cell cell, OutputCollector outputs, CellError? error, int? executionCount)
    {
        if (error != null) outputs.Error(error);
        cell.SetOutputs(outputs.ToJson(), executionCount);
    }

    static Dictionary<string, DateTime> Snapshot(string dir)
        => Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);
}

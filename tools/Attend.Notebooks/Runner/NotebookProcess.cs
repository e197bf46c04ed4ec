// Maps one notebook of a multi-notebook run to a process of its own, as papermill starts a kernel per
// notebook: each notebook then starts from an empty native heap and fresh thread pools. In one
// process, notebook 07's AIR epochs ran 25-40 % slower after notebook 03 than alone, even with the
// earlier notebook's tensors freed. The child runs `run <notebook> … --run-record <file>`, prints its
// progress to the same console and leaves its NotebookRun in the file for the parent's report.
using System.Diagnostics;
using System.Text.Json;
using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Runner;

public static class NotebookProcess
{
    public const string RecordOption = "--run-record";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Writes a child's run for its parent (temporary file, then renamed).</summary>
    public static void WriteRecord(string path, NotebookRun run)
    {
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(run, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Runs <paramref name="notebook"/> in a child process with <paramref name="runArguments"/>
    /// (the parent's options, without the notebooks) and returns its run; a child that ends without a
    /// record (a crash, a kill) is a failed run naming its exit code.</summary>
    public static NotebookRun Run(string notebook, IReadOnlyList<string> runArguments, IReadOnlyDictionary<string, string> overrides)
    {
        string record = Path.Combine(Path.GetTempPath(), $"attend-run-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        var clock = Stopwatch.StartNew();
        int exitCode;
        try
        {
            var psi = NativeAllocator.ThisProgram(new[] { "run", notebook }.Concat(runArguments).Concat(new[] { RecordOption, record }));
            using var child = Process.Start(psi) ?? throw new InvalidOperationException("the notebook's process did not start");
            child.WaitForExit();
            exitCode = child.ExitCode;
            if (File.Exists(record))
                return JsonSerializer.Deserialize<NotebookRun>(File.ReadAllText(record), Json)
                       ?? throw new InvalidDataException($"empty run record from the process of {notebook}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or JsonException or IOException)
        {
            return Failed(notebook, clock.Elapsed, overrides, $"the notebook's process failed: {e.Message}");
        }
        finally
        {
            try { File.Delete(record); } catch (IOException) { /* a temporary file */ }
        }
        return Failed(notebook, clock.Elapsed, overrides, $"the notebook's process exited with code {exitCode} before reporting its run");
    }

    static NotebookRun Failed(string notebook, TimeSpan elapsed, IReadOnlyDictionary<string, string> overrides, string message)
        => new(Path.GetFullPath(notebook), null, false, elapsed, 0, null, new CellError("NotebookProcessError", message, new[] { message }),
               Array.Empty<string>(), overrides);
}

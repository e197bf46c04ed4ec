// Benchmarks for the notebook engine: warm per-cell latency of trivial cells in one session,
// and cold start of a 20-cell notebook through the runner CLI, each beside a plain compiled
// program doing the same work.
using System.Diagnostics;
using System.Text.Json.Nodes;
using Attend.Notebooks.Engine;

namespace Attend.Bench;

public static class EngineBench
{
    sealed class NullSink : IOutputSink
    {
        public void Stream(string name, string text) { }
        public void Display(MimeBundle data, string? id, bool update) { }
        public void ClearOutput(bool wait) { }
    }

    static string Cell(int i) => $"var v{i} = {i} * 2;\nConsole.WriteLine(v{i});";

    public static async Task Run(int repeats)
    {
        Console.WriteLine("== Notebook engine: 20 trivial cells (var v_i = i * 2; Console.WriteLine(v_i);) ==");
        // Warm: after a first session has compiled once, time each cell of fresh sessions.
        var warmup = new ExecutionSession();
        await warmup.ExecuteAsync("1", new NullSink());
        var perCell = new List<double>();
        for (int r = 0; r < Math.Max(1, repeats / 10); r++)
        {
            var s = new ExecutionSession();
            for (int i = 0; i < 20; i++)
            {
                var sw = Stopwatch.StartNew();
                var res = await s.ExecuteAsync(Cell(i), new NullSink());
                perCell.Add(sw.Elapsed.TotalMilliseconds);
                if (!res.Success) throw new InvalidOperationException(res.Error!.EValue);
            }
        }
        perCell.Sort();
        var compiled = new List<double>();
        for (int i = 0; i < perCell.Count; i++)
        {
            var sw = Stopwatch.StartNew();
            int v = i * 2; TextWriter.Null.WriteLine(v);
            compiled.Add(sw.Elapsed.TotalMilliseconds);
        }
        compiled.Sort();
        Console.WriteLine($"warm per-cell latency (engine)      min {perCell[0],8:F2} ms   median {perCell[perCell.Count / 2],8:F2} ms   " +
                          $"(n={perCell.Count}; target < 50 ms overhead)");
        Console.WriteLine($"same statement, compiled C#         min {compiled[0],8:F4} ms   median {compiled[compiled.Count / 2],8:F4} ms");

        // Cold: a fresh runner process executing a 20-cell notebook, vs a fresh plain .NET process.
        string dir = Directory.CreateTempSubdirectory("attend-bench-").FullName;
        var cells = new JsonArray(Enumerable.Range(0, 20).Select(i => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = Cell(i),
        }).ToArray());
        string nb = Path.Combine(dir, "trivial.ipynb");
        File.WriteAllText(nb, new JsonObject
        {
            ["cells"] = cells, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        }.ToJsonString());
        string runner = typeof(ExecutionSession).Assembly.Location;
        string self = typeof(EngineBench).Assembly.Location;
        var cold = new List<double>();
        var plain = new List<double>();
        int coldRepeats = Math.Max(3, repeats / 6);
        for (int r = 0; r < coldRepeats; r++)
        {
            cold.Add(TimeProcess(runner, "run", nb, "--out", Path.Combine(dir, "out")));
            plain.Add(TimeProcess(self, "noop"));
        }
        cold.Sort(); plain.Sort();
        Console.WriteLine($"cold start, runner on 20-cell notebook min {cold[0],8:F0} ms   median {cold[cold.Count / 2],8:F0} ms   " +
                          $"(n={coldRepeats}; target < 5 s)");
        Console.WriteLine($"cold start, plain compiled program     min {plain[0],8:F0} ms   median {plain[plain.Count / 2],8:F0} ms");
        Console.WriteLine($"  ratio runner / plain (median): {cold[cold.Count / 2] / plain[plain.Count / 2]:F1}×");
        Directory.Delete(dir, true);
    }

    static double TimeProcess(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd(); p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(dll)} {string.Join(' ', args)} exited {p.ExitCode}");
        return sw.Elapsed.TotalMilliseconds;
    }
}

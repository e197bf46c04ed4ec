// Kernel suite: installs the kernelspec under a temporary prefix and runs bench/kernel/bench_kernel.py
// (jupyter_client driving our kernel and Debian's ipykernel in the same run); the figures also go
// to bench/results/kernel.txt.
using System.Diagnostics;

namespace Attend.Bench;

static class KernelBench
{
    public static int Run(int repeats)
    {
        string repo = Attend.Notebooks.SourceTree.RequireRoot();
        string prefix = Directory.CreateTempSubdirectory("attend-bench-kernelspec-").FullName;
        try
        {
            Attend.Notebooks.Kernel.KernelSpec.Install(Attend.Notebooks.Kernel.KernelSpec.DefaultName, "C# (bench)", prefix,
                readyToRun: true, progress: Console.WriteLine);
            var psi = new ProcessStartInfo("/usr/bin/python3") { WorkingDirectory = repo, RedirectStandardOutput = true };
            foreach (var a in new[] { "bench/kernel/bench_kernel.py", "--starts", Math.Min(repeats, 10).ToString(), "--executions", "100" })
                psi.ArgumentList.Add(a);
            psi.Environment["JUPYTER_PATH"] = Path.Combine(prefix, "share", "jupyter");
            using var p = Process.Start(psi)!;
            var output = new System.Text.StringBuilder();
            while (p.StandardOutput.ReadLine() is { } line)
            {
                Console.WriteLine(line);
                output.AppendLine(line);
            }
            p.WaitForExit();
            if (p.ExitCode == 0)
            {
                string results = Path.Combine(repo, "bench", "results", "kernel.txt");
                Directory.CreateDirectory(Path.GetDirectoryName(results)!);
                File.WriteAllText(results, $"# bench kernel, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores\n{output}");
                Console.WriteLine($"written to bench/results/kernel.txt");
            }
            return p.ExitCode;
        }
        finally { Directory.Delete(prefix, true); }
    }
}

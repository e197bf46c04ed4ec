using System.Diagnostics;

namespace Attend.Notebooks.Tests;

/// <summary>Runs a program the way users do (a separate process), collecting stdout and stderr
/// together, killing it with its children past a time-out.</summary>
static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static Result Run(string file, string[] args, string cwd, TimeSpan timeout, Dictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine(); p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return new Result(124, output + $"\n(killed after {timeout.TotalSeconds:F0} s)");
        }
        p.WaitForExit();
        lock (output) return new Result(p.ExitCode, output.ToString());
    }
}

// Maps `kernel install` to a ReadyToRun copy of the engine inside the kernelspec folder. The
// engine's Roslyn and its own code then run precompiled instead of being JIT-compiled at every
// kernel start: start-to-first-result went from 2.43× ipykernel's to 1.45× (bench kernel).
// The copy is published from the engine's project in this repository; a later change to the
// engine needs `kernel install` again.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Attend.Notebooks.Kernel;

public static class ReadyToRunEngine
{
    const string ProjectPath = "tools/Attend.Notebooks/Attend.Notebooks.csproj";

    /// <summary>The engine's project above the running engine (a build in this repository), or null
    /// when the engine runs from elsewhere (an installed copy), which then serves as it is.</summary>
    public static string? FindProject()
        => SourceTree.Root() is { } root && File.Exists(Path.Combine(root, ProjectPath)) ? Path.Combine(root, ProjectPath) : null;

    /// <summary>dotnet's runtime identifier for this machine (linux-x64, osx-arm64, win-x64, …).</summary>
    public static string RuntimeId()
    {
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        return $"{os}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
    }

    /// <summary>Publishes the engine, ReadyToRun and framework-dependent, into <paramref name="target"/>
    /// (replaced only once the new copy is complete) and returns the engine dll in it.</summary>
    public static string Publish(string project, string target, TimeSpan timeout)
    {
        string staging = target + ".new";
        if (Directory.Exists(staging)) Directory.Delete(staging, true);
        var psi = new ProcessStartInfo(KernelSpec.DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
                 {
                     "publish", project, "-c", "Release", "-r", RuntimeId(), "--self-contained", "false", "-o", staging, "--nologo",
                     "-p:PublishReadyToRun=true", "-p:SatelliteResourceLanguages=en", "-v", "quiet",
                 })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet publish");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"dotnet publish of the engine took longer than {timeout.TotalMinutes:F0} min");
        }
        string dll = Path.Combine(staging, "Attend.Notebooks.dll");
        if (p.ExitCode != 0 || !File.Exists(dll))
            throw new InvalidOperationException($"dotnet publish of the engine failed (exit {p.ExitCode}):\n{stdout}{stderr.Result}".TrimEnd());
        string old = target + ".old";
        if (Directory.Exists(old)) Directory.Delete(old, true);
        if (Directory.Exists(target)) Directory.Move(target, old);
        Directory.Move(staging, target);
        // A kernel still running from the old copy keeps its open files (Linux, macOS); on Windows a
        // locked old copy is left for the next install to remove.
        try { if (Directory.Exists(old)) Directory.Delete(old, true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return Path.Combine(target, "Attend.Notebooks.dll");
    }
}

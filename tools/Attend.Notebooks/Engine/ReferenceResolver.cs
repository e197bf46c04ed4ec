// Maps #r nuget packages and project references to assemblies the cell can use: it writes a
// small SDK host project (cached by package set), builds it with `dotnet build`, and makes
// its output's managed and native libraries loadable. TorchSharp's patched native library is
// loaded by full path before any TorchSharp call, so a system libtorch cannot shadow it.
// A package without one exact version gets one here (PackageVersions), once per session.
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using System.Diagnostics;

namespace Attend.Notebooks.Engine;

public sealed class ReferenceResolver
{
    static readonly object Gate = new();
    static readonly List<string> ManagedDirs = new();
    static readonly List<string> NativeDirs = new();
    static bool hooked;
    readonly Dictionary<string, string> packages = new(StringComparer.OrdinalIgnoreCase);
    readonly List<string> projects = new();
    readonly List<string> sources = new();
    readonly Action<string> log;
    readonly string workingDirectory;

    public ReferenceResolver(Action<string> log, string workingDirectory)
    {
        this.log = log;
        this.workingDirectory = workingDirectory;
    }

    /// <summary>Versions a notebook recorded for its packages without an exact version; used instead of a search.</summary>
    public Dictionary<string, string> Recorded { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The versions chosen for packages without an exact version (to record for the next run).</summary>
    public Dictionary<string, string> Chosen { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the last Resolve chose and why, for the cell's output.</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Packages that only plug charts into .NET Interactive: the chart package they extend
    /// is restored instead, and the engine displays its charts itself.</summary>
    static readonly Dictionary<string, string> ExtensionPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["XPlot.Plotly.Interactive"] = "XPlot.Plotly",
        ["Plotly.NET.Interactive"] = "Plotly.NET",
    };

    public static string CacheRoot => Environment.GetEnvironmentVariable("ATTEND_NOTEBOOK_CACHE") is { Length: > 0 } c ? c
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "attend-notebooks", "hosts");

    /// <summary>Adds packages/projects to the session and returns the assembly paths to reference.
    /// A package already loaded at another version is an error (one version per session).</summary>
    public IReadOnlyList<string> Resolve(IEnumerable<PackageRef> newPackages, IEnumerable<string> newProjects)
    {
        Notes.Clear();
        foreach (var requested in newPackages)
        {
            var p = requested;
            if (ExtensionPackages.TryGetValue(p.Name, out var chartPackage))
            {
                p = new PackageRef(chartPackage, null);
                Notes.Add($"{requested.Name} plugs charts into .NET Interactive; using {chartPackage}, whose charts this engine displays itself");
            }
            string version = VersionFor(p);
            if (packages.TryGetValue(p.Name, out var v) && v != version)
                throw new InvalidOperationException(
                    $"package {p.Name} {version} conflicts with version {v} already loaded in this notebook; "
                    + "restart the session to change versions");
            packages[p.Name] = version;
        }
        foreach (var pr in newProjects) if (!projects.Contains(pr)) projects.Add(pr);
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join(";", packages.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")) + "|" + string.Join(";", projects.Order())
            + (sources.Count > 0 ? "|" + string.Join(";", sources) : ""))))[..16];
        string dir = Path.Combine(CacheRoot, key);
        string output = Path.Combine(dir, "out");
        string stamp = Path.Combine(dir, ".built");
        // Package-only hosts never change once built; project hosts rebuild when a source file of
        // their projects' tree is newer than the last build's inputs, so edits show up and an
        // unchanged library costs no `dotnet build` (several seconds of MSBuild start-up).
        // A lock file serialises builds of one host across processes (runner, kernel, tests).
        Directory.CreateDirectory(dir);
        using (AcquireLock(Path.Combine(dir, ".lock")))
        {
            long inputs = projects.Count == 0 ? 0 : ProjectInputs.NewestWrite(projects);
            if (!File.Exists(stamp) || !Directory.Exists(output) || (projects.Count > 0 && ProjectInputs.Recorded(stamp) < inputs))
                Build(dir, output, stamp, inputs);
            else if (projects.Count > 0)
                log($"{string.Join(", ", projects.Select(Path.GetFileNameWithoutExtension))} is up to date");
        }
        return Load(output);
    }

    /// <summary>Adds package sources (#i "nuget: …") that later searches and restores use too.</summary>
    public void AddSources(IEnumerable<string> newSources)
    {
        foreach (var source in newSources) if (!sources.Contains(source)) sources.Add(source);
    }

    /// <summary>An exact version as it is; else the version already loaded or the one the notebook
    /// recorded (when it fits the request), or the one the package sources offer, said in a note.</summary>
    string VersionFor(PackageRef p)
    {
        if (PackageVersions.IsExact(p.Version)) return p.Version!;
        if (packages.TryGetValue(p.Name, out var loaded) && PackageVersions.Fits(p.Version, loaded)) return loaded;
        string request = p.Version ?? "no version given";
        if (Recorded.TryGetValue(p.Name, out var recorded) && PackageVersions.Fits(p.Version, recorded))
        {
            Notes.Add($"{p.Name} {recorded} ({request}; the version this notebook recorded)");
            return Chosen[p.Name] = recorded;
        }
        string version = PackageVersions.Resolve(p.Name, p.Version, sources, workingDirectory);
        string how = p.Version == null ? "the newest version" : "chosen from the versions";
        Notes.Add($"{p.Name} {version} ({request}; {how} the package sources serve)");
        return Chosen[p.Name] = version;
    }

    static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(200); }
        }
    }

    void Build(string dir, string output, string stamp, long inputs)
    {
        Directory.CreateDirectory(dir);
        string engineBuild = Path.Combine(AppContext.BaseDirectory, "build", "LibTorchSharp.targets");
        var sb = new StringBuilder();
        sb.AppendLine("<Project Sdk=\"Microsoft.NET.Sdk\">");
        sb.AppendLine("  <PropertyGroup><TargetFramework>net10.0</TargetFramework><CopyLocalLockFileAssemblies>true</CopyLocalLockFileAssemblies>");
        sb.AppendLine("    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally><EnableDefaultItems>false</EnableDefaultItems>");
        sb.AppendLine("    <NoWarn>NU1603;NU1701;NU1901;NU1902;NU1903</NoWarn>"
            + "<GenerateDocumentationFile>false</GenerateDocumentationFile>"
            + $"<RestoreAdditionalProjectSources>{string.Join(";", sources)}</RestoreAdditionalProjectSources></PropertyGroup>");
        sb.AppendLine("  <ItemGroup>");
        foreach (var (name, version) in packages) sb.AppendLine($"    <PackageReference Include=\"{name}\" Version=\"{version}\" />");
        foreach (var p in projects) sb.AppendLine($"    <ProjectReference Include=\"{p}\" />");
        sb.AppendLine("  </ItemGroup>");
        if (File.Exists(engineBuild)) sb.AppendLine($"  <Import Project=\"{engineBuild}\" />");
        sb.AppendLine("</Project>");
        string csproj = Path.Combine(dir, "NotebookHost.csproj");
        if (!File.Exists(csproj) || File.ReadAllText(csproj) != sb.ToString()) File.WriteAllText(csproj, sb.ToString());
        log($"Restoring {string.Join(", ", packages.Select(p => $"{p.Key} {p.Value}").Concat(projects.Select(Path.GetFileNameWithoutExtension)))} …");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "build", csproj, "-c", "Release", "-o", output, "-nologo", "-v", "q", "-clp:ErrorsOnly;NoSummary" })
            psi.ArgumentList.Add(a);
        psi.Environment["MSBUILDNOINPROCNODE"] = "1";
        using var proc = Process.Start(psi)!;
        var err = proc.StandardError.ReadToEndAsync();
        string stdout = proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode != 0)
        {
            var lines = (stdout + err.Result).Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(10);
            throw new InvalidOperationException("could not restore the notebook's references:\n" + string.Join("\n", lines));
        }
        ProjectInputs.Record(stamp, inputs);
    }

    static IReadOnlyList<string> Load(string output)
    {
        lock (Gate)
        {
            if (!hooked)
            {
                AssemblyLoadContext.Default.Resolving += (ctx, name) =>
                {
                    foreach (var d in ManagedDirs)
                    {
                        string p = Path.Combine(d, name.Name + ".dll");
                        if (File.Exists(p)) return ctx.LoadFromAssemblyPath(p);
                    }
                    return null;
                };
                AssemblyLoadContext.Default.ResolvingUnmanagedDll += (asm, name) =>
                {
                    foreach (var d in NativeDirs)
                        foreach (var candidate in new[] { name, $"lib{name}.so", $"{name}.so", $"lib{name}.dylib", $"{name}.dll" })
                            if (File.Exists(Path.Combine(d, candidate)) && NativeLibrary.TryLoad(Path.Combine(d, candidate), out var h)) return h;
                    return IntPtr.Zero;
                };
                hooked = true;
            }
            if (!ManagedDirs.Contains(output)) ManagedDirs.Add(output);
            string rid = RuntimeInformation.RuntimeIdentifier.StartsWith("linux") ? "linux-x64" : RuntimeInformation.RuntimeIdentifier;
            foreach (var native in new[] { Path.Combine(output, "runtimes", rid, "native"), output })
                if (Directory.Exists(native) && !NativeDirs.Contains(native)) NativeDirs.Add(native);
            PreloadTorchSharpNatives(output, rid);
        }
        var refs = new List<string>();
        foreach (var dll in Directory.GetFiles(output, "*.dll"))
        {
            if (Path.GetFileName(dll) == "NotebookHost.dll") continue;
            try { AssemblyName.GetAssemblyName(dll); refs.Add(dll); }
            catch (BadImageFormatException) { /* a native library, not a reference */ }
        }
        return refs;
    }

    static string? torchNativeLoaded;

    /// <summary>Loads this host's (patched) libLibTorchSharp.so by full path, once per process.
    /// Its libtorch dependencies resolve beside it; TorchSharp's own bare-name load then finds
    /// the already-loaded library instead of any system libtorch.</summary>
    static void PreloadTorchSharpNatives(string output, string rid)
    {
        string lib = Path.Combine(output, "runtimes", rid, "native", OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : "libLibTorchSharp.so");
        if (!File.Exists(lib) || torchNativeLoaded != null) return;
        NativeLibrary.Load(lib);
        torchNativeLoaded = lib;
    }

    public static string? TorchNativeLoadedFrom => torchNativeLoaded;
}

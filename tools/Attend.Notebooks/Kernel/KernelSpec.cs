// Maps the kernel to a Jupyter kernelspec folder (kernel.json, logos, plotly.js) in Jupyter's data
// directories: install, list and remove, as `jupyter kernelspec` does for other kernels.
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Kernel;

public sealed record InstalledKernel(string Name, string Directory, string DisplayName);

public static class KernelSpec
{
    public const string DefaultName = "attend-csharp";
    public const string DefaultDisplayName = "C# (Attend)";

    /// <summary>The user's Jupyter data directory, as jupyter_core computes it.</summary>
    public static string UserDataDir()
    {
        if (Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } d) return d;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter");
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Jupyter");
        string xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } x ? x : Path.Combine(home, ".local", "share");
        return Path.Combine(xdg, "jupyter");
    }

    public static string KernelsDir(string? prefix)
        => Path.Combine(prefix != null ? Path.Combine(Path.GetFullPath(prefix), "share", "jupyter") : UserDataDir(), "kernels");

    /// <summary>Every directory Jupyter looks in for kernels, highest priority first.</summary>
    public static IEnumerable<string> SearchPath()
    {
        if (Environment.GetEnvironmentVariable("JUPYTER_PATH") is { Length: > 0 } jp)
            foreach (var p in jp.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)) yield return Path.Combine(p, "kernels");
        yield return KernelsDir(null);
        if (OperatingSystem.IsWindows())
            yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "jupyter", "kernels");
        else { yield return "/usr/local/share/jupyter/kernels"; yield return "/usr/share/jupyter/kernels"; }
    }

    /// <summary>The command Jupyter runs: the engine's dll on the dotnet host, with the connection file.</summary>
    public static JsonArray Argv(string engineDll) => new(DotnetHost(), engineDll, "kernel", "start", "{connection_file}");

    internal static string DotnetHost()
    {
        string exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } p && Path.GetFileName(p) == exe) return p;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h)) return h;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, exe))) return Path.GetFullPath(Path.Combine(dir, exe));
        throw new InvalidOperationException("cannot find the dotnet host on PATH; the kernelspec needs it to start the kernel");
    }

    /// <summary>Writes the kernelspec. With <paramref name="readyToRun"/>, the kernel runs a ReadyToRun copy of
    /// the engine published into the kernelspec's engine/ folder (when this engine was built in the
    /// repository); otherwise it runs this engine build as it is.</summary>
    public static string Install(string name, string displayName, string? prefix, bool readyToRun = false, Action<string>? progress = null)
    {
        ValidateName(name);
        string dir = Path.Combine(KernelsDir(prefix), name);
        string engineDll = typeof(KernelSpec).Assembly.Location;
        if (readyToRun && ReadyToRunEngine.FindProject() is { } project)
        {
            progress?.Invoke($"publishing a ReadyToRun copy of the engine ({ReadyToRunEngine.RuntimeId()}) for a faster kernel start…");
            engineDll = ReadyToRunEngine.Publish(project, Path.Combine(dir, "engine"), TimeSpan.FromMinutes(10));
        }
        else if (readyToRun) progress?.Invoke("no engine project above this engine build: the kernelspec runs it as it is");
        var spec = new JsonObject
        {
            ["argv"] = Argv(engineDll),
            ["display_name"] = displayName,
            ["language"] = KernelServer.LanguageName,
            ["interrupt_mode"] = "message",
            ["metadata"] = new JsonObject { ["debugger"] = false },
        };
        // Jupyter starts the kernel with this environment: the allocator settings for large tensors, and MKL's
        // AVX-512 shim where ATTEND_MKL_AVX512=on at install time.
        if (NativeAllocator.Applies)
            spec["env"] = new JsonObject(NativeAllocator.Environment
                .Concat(MklAvx512.Environment(w => progress?.Invoke(w), keepPreload: false))
                .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        AtomicFile.WriteAllBytes(Path.Combine(dir, "kernel.json"),
            System.Text.Encoding.UTF8.GetBytes(spec.ToJsonString(new() { WriteIndented = true }) + "\n"));
        foreach (var logo in new[] { "logo-32x32.png", "logo-64x64.png" })
        {
            using var s = typeof(KernelSpec).Assembly.GetManifestResourceStream(logo)
                          ?? throw new InvalidOperationException($"{logo} is not embedded in the engine");
            using var m = new MemoryStream();
            s.CopyTo(m);
            AtomicFile.WriteAllBytes(Path.Combine(dir, logo), m.ToArray());
        }
        CopyPlotly(dir);
        return dir;
    }

    /// <summary>Jupyter serves the kernelspec folder's files, so charts load plotly.js from there (Engine/PlotlyHtml.cs).</summary>
    static void CopyPlotly(string dir)
    {
        string target = Path.Combine(dir, Engine.PlotlyHtml.ScriptName);
        if (File.Exists(Engine.PlotlyHtml.BundledScript)) AtomicFile.WriteAllBytes(target, File.ReadAllBytes(Engine.PlotlyHtml.BundledScript));
        else
        {
            if (File.Exists(target)) File.Delete(target);
            Console.Error.WriteLine("warning: the engine was built without plotly.js, so Jupyter shows charts as PNG only; run "
                                    + "`npm install --prefix tools/Attend.Notebooks/Plotly`, build, and install the kernel again");
        }
    }

    public static List<InstalledKernel> List()
    {
        var found = new Dictionary<string, InstalledKernel>();
        foreach (var kernels in SearchPath().Where(Directory.Exists))
            foreach (var dir in Directory.GetDirectories(kernels).Order())
            {
                string name = Path.GetFileName(dir);
                string json = Path.Combine(dir, "kernel.json");
                if (found.ContainsKey(name) || !File.Exists(json)) continue;   // earlier directories shadow later ones, as in Jupyter
                string display;
                try { display = JsonNode.Parse(File.ReadAllText(json))?["display_name"]?.GetValue<string>() ?? name; }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
                {
                    display = $"(unreadable kernel.json: {e.Message})";
                }
                found[name] = new InstalledKernel(name, dir, display);
            }
        return found.Values.ToList();
    }

    public static string Remove(string name, string? prefix)
    {
        ValidateName(name);
        string dir = Path.Combine(KernelsDir(prefix), name);
        if (!File.Exists(Path.Combine(dir, "kernel.json"))) throw new DirectoryNotFoundException($"no kernel named {name} in {KernelsDir(prefix)}");
        Directory.Delete(dir, recursive: true);
        return dir;
    }

    /// <summary>Jupyter's rule for kernel names: letters, digits, '.', '_', '-'.</summary>
    static void ValidateName(string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new ArgumentException($"kernel name \"{name}\" may contain only ASCII letters, digits, '.', '_' and '-'");
    }
}

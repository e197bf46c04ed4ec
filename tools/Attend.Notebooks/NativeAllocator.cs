// Maps the engine's processes to glibc malloc settings under which TorchSharp's large tensors are
// reused instead of mapped afresh. libtorch allocates CPU tensors with malloc; glibc serves blocks
// over its mmap threshold (at most 32 MB) with a fresh mmap and unmaps them on free, so every
// batch pays one page fault per 4 KB page of every large activation: about 12 µs each on this
// project's machines, so the 128² localiser's training step took 751 ms without these settings
// and 106 ms with them (bench allocator, bench/results/allocator.txt). One
// arena, no mmap and no trimming keep freed tensors in the heap for the next batch. glibc reads
// them only at process start, so the runner re-executes itself with them and the kernelspec sets
// them for the kernel.
using System.Diagnostics;

namespace Attend.Notebooks;

public static class NativeAllocator
{
    /// <summary>The environment (Linux, glibc): one arena, no mmap for large blocks, no trimming,
    /// 64 MB of headroom per heap extension.</summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["MALLOC_ARENA_MAX"] = "1",
        ["MALLOC_MMAP_MAX_"] = "0",
        ["MALLOC_TRIM_THRESHOLD_"] = "1000000000000",
        ["MALLOC_TOP_PAD_"] = "67108864",
    };

    /// <summary>Frees what a finished notebook left behind before the next one starts: its tensors are
    /// native memory that only the .NET finalizers release, and with a small managed heap the GC may
    /// not run for a long time, so a run of several notebooks carried every earlier notebook's data
    /// (about 5 GB by notebook 07, whose epochs ran 25-40 % slower than alone). Then gives the freed
    /// heap back to the system (glibc's malloc_trim), so each notebook starts from a compact heap.</summary>
    public static void ReleaseBetweenNotebooks()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* not glibc: nothing to trim */ }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    /// <summary>"1" once the runner has re-executed itself (it does so once); "off" turns the settings off.</summary>
    const string Marker = "ATTEND_NATIVE_ALLOCATOR";

    public static bool Applies => OperatingSystem.IsLinux() && System.Environment.GetEnvironmentVariable(Marker) != "off";

    /// <summary>True when this process already runs with the settings (or they do not apply here), and with
    /// MKL's AVX-512 shim when that was asked for (MklAvx512).</summary>
    public static bool InEffect
        => !Applies || System.Environment.GetEnvironmentVariable(Marker) == "1"
           || (Environment.All(kv => System.Environment.GetEnvironmentVariable(kv.Key) == kv.Value)
               && (!MklAvx512.Requested || MklAvx512.InEffect));

    /// <summary>A start of this program with <paramref name="args"/>: under the dotnet host the engine's dll comes
    /// first; an apphost is the program itself.</summary>
    public static ProcessStartInfo ThisProgram(IEnumerable<string> args)
    {
        string host = System.Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            psi.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()?.Location ?? typeof(NativeAllocator).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs this program again with the settings, passing the console through, and returns its
    /// exit code; null when it cannot (then the caller goes on as it is).</summary>
    public static int? ReExecute(string[] args)
    {
        if (System.Environment.ProcessPath == null) return null;
        var psi = ThisProgram(args);
        foreach (var (k, v) in Environment) psi.Environment[k] = v;
        foreach (var (k, v) in MklAvx512.Environment(Console.Error.WriteLine)) psi.Environment[k] = v;
        psi.Environment[Marker] = "1";
        try
        {
            using var child = Process.Start(psi);
            if (child == null) return null;
            // Ctrl+C reaches both processes (one process group): the child handles it, the parent waits.
            Console.CancelKeyPress += (_, e) => e.Cancel = true;
            child.WaitForExit();
            return child.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }
}

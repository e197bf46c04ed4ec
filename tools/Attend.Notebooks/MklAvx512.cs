// Maps an opt-in (ATTEND_MKL_AVX512=on) to MKL's AVX-512 code path on AMD processors that have AVX-512.
// libtorch's matrix products run in MKL, and MKL takes its fastest kernels only where the processor's
// vendor is Intel: on AMD it stays on its AVX2 path even where the processor has AVX-512 (Zen 4 and
// later). MKL asks one exported function, mkl_serv_intel_cpu_true; a one-line shared library
// that answers 1 there, loaded first by the dynamic linker (LD_PRELOAD), sends MKL down its Intel path,
// which then chooses kernels by the processor's feature flags. What it gains depends on the processor
// (bench air, the same run's two paths): Zen 5 runs AVX-512 at full width, and there the AIR step took
// 1.34× less time; Zen 4 runs it on 256-bit units, and there 1.12×. Products round differently from the AVX2
// path's, so a run with it on gives other last digits than one without: the committed outputs use MKL as
// it comes, and this stays off unless asked for. No package ships the library, so the engine builds it
// with the system's C compiler (cc, or $CC) on first use and keeps it in its cache.
using System.Runtime.Intrinsics.X86;

namespace Attend.Notebooks;

public static class MklAvx512
{
    public const string Switch = "ATTEND_MKL_AVX512";
    public const string Function = "mkl_serv_intel_cpu_true";
    const string Preload = "LD_PRELOAD";
    const string Source = "int " + Function + "(void) { return 1; }\n";

    /// <summary>True when the user asked for it (ATTEND_MKL_AVX512=on or 1).</summary>
    public static bool Requested => System.Environment.GetEnvironmentVariable(Switch)?.Trim().ToLowerInvariant() is "on" or "1";

    /// <summary>Why the shim does not apply to this processor, or null when it does: x86-64 Linux, an AMD processor with AVX-512F.
    /// (On Intel's processors MKL already takes its best path.)</summary>
    public static string? NotApplicable(string vendor, bool linuxX64, bool avx512)
        => !linuxX64 ? "it needs x86-64 Linux (the dynamic linker's LD_PRELOAD)"
           : vendor != "AuthenticAMD" ? $"the processor's vendor is {vendor}, and MKL takes its own best path there"
           : !avx512 ? "this AMD processor has no AVX-512"
           : null;

    public static string? NotApplicableHere()
        => NotApplicable(Vendor(), OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture
                                   == System.Runtime.InteropServices.Architecture.X64, Avx512F.IsSupported);

    /// <summary>The processor's vendor string from CPUID leaf 0 ("AuthenticAMD", "GenuineIntel"), or "unknown".</summary>
    public static string Vendor()
    {
        if (!X86Base.IsSupported) return "unknown";
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        var bytes = new byte[12];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), ebx);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), edx);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), ecx);
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    /// <summary>The processor as benchmarks record it: its brand string and CPUID's family and model
    /// ("AMD EPYC 9R14 (family 25, model 17)"), or "unknown" off x86.</summary>
    public static string Processor()
    {
        if (!X86Base.IsSupported) return "unknown";
        var (eax, _, _, _) = X86Base.CpuId(1, 0);
        int baseFamily = (eax >> 8) & 0xF;
        int family = baseFamily == 0xF ? baseFamily + ((eax >> 20) & 0xFF) : baseFamily;
        int model = baseFamily is 0xF or 6 ? (((eax >> 16) & 0xF) << 4) | ((eax >> 4) & 0xF) : (eax >> 4) & 0xF;
        var brand = new byte[48];
        if ((uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax >= 0x80000004)
            for (int leaf = 0; leaf < 3; leaf++)
            {
                var (a, b, c, d) = X86Base.CpuId(unchecked((int)0x80000002) + leaf, 0);
                foreach (var (value, k) in new[] { (a, 0), (b, 1), (c, 2), (d, 3) })
                    BitConverter.TryWriteBytes(brand.AsSpan(leaf * 16 + k * 4), value);
            }
        string name = System.Text.Encoding.ASCII.GetString(brand).TrimEnd('\0').Trim();
        return $"{(name.Length > 0 ? name : Vendor())} (family {family}, model {model})";
    }

    /// <summary>The shim's path in the engine's cache (~/.cache/attend-notebooks/mkl), its name keyed by its source.</summary>
    public static string ShimPath(string? cacheRoot = null)
    {
        string home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        string root = cacheRoot ?? Path.Combine(home, ".cache", "attend-notebooks");
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Source));
        string hash = Convert.ToHexString(digest)[..12].ToLowerInvariant();
        return Path.Combine(root, "mkl", $"mkl-intel-path-{hash}.so");
    }

    /// <summary>Builds the shim with <paramref name="compiler"/> (default: $CC, else cc) unless it is there already; returns
    /// its path. Throws InvalidOperationException naming the compiler and its message when it cannot.</summary>
    public static string BuildShim(string? cacheRoot = null, string? compiler = null)
    {
        string path = ShimPath(cacheRoot);
        if (File.Exists(path)) return path;
        string dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        compiler ??= System.Environment.GetEnvironmentVariable("CC") is { Length: > 0 } cc ? cc : "cc";
        string tmp = Path.Combine(dir, $".{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(tmp + ".c", Source);
            var psi = new System.Diagnostics.ProcessStartInfo(compiler) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-shared", "-fPIC", "-O2", "-o", tmp + ".so", tmp + ".c" }) psi.ArgumentList.Add(a);
            string errors;
            int exit;
            try
            {
                using var p = System.Diagnostics.Process.Start(psi)!;
                var stderr = p.StandardError.ReadToEndAsync();
                p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                (errors, exit) = (stderr.Result.Trim(), p.ExitCode);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"{Switch}: no C compiler '{compiler}' to build the MKL shim ({e.Message}); " +
                                                    "install one (Debian: sudo apt install gcc) or set CC", e);
            }
            if (exit != 0 || !File.Exists(tmp + ".so"))
                throw new InvalidOperationException($"{Switch}: '{compiler}' could not build the MKL shim (exit {exit}): {errors}");
            File.Move(tmp + ".so", path, overwrite: true);
            return path;
        }
        finally
        {
            File.Delete(tmp + ".c");
            File.Delete(tmp + ".so");
        }
    }

    /// <summary>LD_PRELOAD with the shim in front of what it held: <paramref name="current"/> (null: none).</summary>
    public static string PreloadValue(string shim, string? current)
        => string.IsNullOrEmpty(current) ? shim
           : current.Split(':', ' ').Contains(shim) ? current
           : shim + ":" + current;

    /// <summary>True when this process was started with the shim preloaded.</summary>
    public static bool InEffect
        => (System.Environment.GetEnvironmentVariable(Preload) ?? "").Split(':', ' ').Any(IsShim);

    /// <summary>True for a path to the shim (any version of it).</summary>
    public static bool IsShim(string path)
        => Path.GetFileName(path).StartsWith("mkl-intel-path-", StringComparison.Ordinal) && path.EndsWith(".so", StringComparison.Ordinal);

    /// <summary>The environment a process needs for the shim when it was asked for and applies here: empty
    /// otherwise. What stops it (another vendor, no compiler) is reported through <paramref name="warn"/> and the
    /// run goes on with MKL as it comes. A kernelspec passes <paramref name="keepPreload"/> false: this process's own
    /// LD_PRELOAD is no business of the kernel's.</summary>
    public static IReadOnlyDictionary<string, string> Environment(Action<string> warn, bool keepPreload = true)
    {
        var none = new Dictionary<string, string>();
        if (!Requested) return none;
        if (NotApplicableHere() is { } why)
        {
            warn($"{Switch}=on ignored: {why}");
            return none;
        }
        try
        {
            string shim = BuildShim();
            string? current = keepPreload ? System.Environment.GetEnvironmentVariable(Preload) : null;
            return new Dictionary<string, string> { [Preload] = PreloadValue(shim, current) };
        }
        catch (InvalidOperationException e)
        {
            warn(e.Message + "; going on with MKL's own choice of path");
            return none;
        }
    }
}

using System.Runtime.InteropServices;
using Attend.Notebooks.Runner;

namespace Attend.Notebooks.Tests;

/// <summary>ATTEND_MKL_AVX512: the shim that sends MKL down its Intel path, who gets it, and a notebook run with it.</summary>
public class MklAvx512Tests
{
    [Theory]
    [InlineData("AuthenticAMD", true, true, null)]
    [InlineData("GenuineIntel", true, true, "the processor's vendor is GenuineIntel")]
    [InlineData("AuthenticAMD", true, false, "this AMD processor has no AVX-512")]
    [InlineData("AuthenticAMD", false, true, "it needs x86-64 Linux")]
    public void It_applies_only_to_AMD_processors_with_AVX512_on_x64_Linux(string vendor, bool linuxX64, bool avx512, string? why)
    {
        string? reason = MklAvx512.NotApplicable(vendor, linuxX64, avx512);
        if (why == null) Assert.Null(reason);
        else Assert.StartsWith(why, reason);
    }

    /// <summary>Benchmarks record the processor; CPUID's family and model agree with what Linux reports.</summary>
    [Fact]
    public void The_processor_is_named_with_the_family_and_model_Linux_reports()
    {
        string p = MklAvx512.Processor();
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported) { Assert.Equal("unknown", p); return; }
        Assert.Matches(@"^.+ \(family \d+, model \d+\)$", p);
        if (!File.Exists("/proc/cpuinfo")) return;
        var info = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0)
                       .Select(l => l.Split(':', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());
        Assert.EndsWith($"(family {info["cpu family"]}, model {info["model"]})", p);
        Assert.StartsWith(info["model name"], p);
    }

    [Fact]
    public void The_shim_joins_LD_PRELOAD_in_front_and_only_once()
    {
        Assert.Equal("/c/mkl-intel-path-1.so", MklAvx512.PreloadValue("/c/mkl-intel-path-1.so", null));
        Assert.Equal("/c/mkl-intel-path-1.so:/x/a.so", MklAvx512.PreloadValue("/c/mkl-intel-path-1.so", "/x/a.so"));
        Assert.Equal("/x/a.so:/c/mkl-intel-path-1.so", MklAvx512.PreloadValue("/c/mkl-intel-path-1.so", "/x/a.so:/c/mkl-intel-path-1.so"));
        Assert.True(MklAvx512.IsShim("/c/mkl-intel-path-1.so"));
        Assert.False(MklAvx512.IsShim("/c/libtorch_cpu.so"));
    }

    [Fact]
    public void Without_a_compiler_the_error_names_it_and_how_to_get_one()
    {
        using var d = new TempDir();
        var e = Assert.Throws<InvalidOperationException>(() => MklAvx512.BuildShim(d.Path, compiler: "no-such-cc-attend"));
        Assert.Contains("no C compiler 'no-such-cc-attend'", e.Message);
        Assert.Contains("apt install gcc", e.Message);
        Assert.False(Directory.EnumerateFiles(d.Path, "*", SearchOption.AllDirectories).Any(), "nothing half-built may stay behind");
    }

    /// <summary>The built library exports MKL's question and answers "Intel" (1); a second build reuses it.</summary>
    [Fact]
    public void The_shim_answers_that_the_processor_is_Intels()
    {
        using var d = new TempDir();
        string path = MklAvx512.BuildShim(d.Path);
        Assert.Equal(path, MklAvx512.ShimPath(d.Path));
        var written = File.GetLastWriteTimeUtc(path);
        Assert.Equal(path, MklAvx512.BuildShim(d.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        nint lib = NativeLibrary.Load(path);
        try
        {
            var answer = Marshal.GetDelegateForFunctionPointer<IntQuestion>(NativeLibrary.GetExport(lib, MklAvx512.Function));
            Assert.Equal(1, answer());
        }
        finally { NativeLibrary.Free(lib); }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int IntQuestion();

    /// <summary>As users meet it: the runner with ATTEND_MKL_AVX512=on runs the notebook with the shim mapped into
    /// its process (where it applies; elsewhere it says why not and runs without), and TorchSharp's matrix
    /// products there agree with float64 ones.</summary>
    [Fact]
    public void The_runner_runs_notebooks_on_MKLs_AVX512_path_when_asked()
    {
        using var d = new TempDir();
        string lib = Path.Combine(RunnerTests.FindRepo(), "lib", "Attend");
        var path = Nb.Write(d.Path, "01-mkl.ipynb", Nb.Code(
            $"#r \"{lib}\"\nusing static TorchSharp.torch;\n" +
            "var shim = (Environment.GetEnvironmentVariable(\"LD_PRELOAD\") ?? \"\").Split(':').FirstOrDefault(p => p.Contains(\"mkl-intel-path-\"));\n" +
            "bool mapped = shim != null && File.ReadAllText(\"/proc/self/maps\").Contains(shim);\n" +
            "var g = new Generator(0);\nvar a = randn(300, 500, generator: g);\nvar b = randn(500, 200, generator: g);\n" +
            "var exact = a.to(ScalarType.Float64).matmul(b.to(ScalarType.Float64));\n" +
            "double error = ((a.matmul(b).to(ScalarType.Float64) - exact).abs().max() / exact.abs().max()).item<double>();\n" +
            "Console.WriteLine($\"mapped {mapped}; relative error {(error < 1e-5 ? \"below\" : \"above\")} 1e-5 ({error:E2})\");"));
        var r = ChildProcess.Run("dotnet", new[] { typeof(RunCommand).Assembly.Location, "run", path, "--out", Path.Combine(d.Path, "out") },
                                 d.Path, TimeSpan.FromMinutes(3), new() { [MklAvx512.Switch] = "on", ["MALLOC_ARENA_MAX"] = "" });
        Assert.True(r.ExitCode == 0, r.Output);
        string printed = string.Join("", Nb.Outputs(Path.Combine(d.Path, "out", "01-mkl.ipynb"), 0)
            .Where(o => o!["name"]?.GetValue<string>() == "stdout").Select(o => Nb.Text(o!["text"])));
        if (MklAvx512.NotApplicableHere() is { } why)
        {
            Assert.Contains($"{MklAvx512.Switch}=on ignored: {why}", r.Output);
            Assert.StartsWith("mapped False; relative error below 1e-5", printed);
        }
        else Assert.StartsWith("mapped True; relative error below 1e-5", printed);
    }

    /// <summary>`kernel install` with ATTEND_MKL_AVX512=on writes the shim into the kernelspec's environment, so Jupyter
    /// starts the kernel on MKL's AVX-512 path (where it applies), and leaves the installer's own LD_PRELOAD out.</summary>
    [Fact]
    public void Kernel_install_puts_the_shim_in_the_kernelspec_when_asked()
    {
        using var d = new TempDir();
        var r = ChildProcess.Run("dotnet", new[] { typeof(RunCommand).Assembly.Location, "kernel", "install", "--prefix", d.Path,
                                                   "--name", "attend-mkl", "--no-ready-to-run" },
                                 d.Path, TimeSpan.FromMinutes(2), new() { [MklAvx512.Switch] = "on", ["LD_PRELOAD"] = "" });
        Assert.True(r.ExitCode == 0, r.Output);
        var spec = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(d.Path, "share", "jupyter", "kernels", "attend-mkl", "kernel.json")))!;
        string? preload = spec["env"]?["LD_PRELOAD"]?.GetValue<string>();
        if (MklAvx512.NotApplicableHere() is { } why)
        {
            Assert.Null(preload);
            Assert.Contains(why, r.Output);
        }
        else
        {
            Assert.NotNull(preload);
            Assert.True(MklAvx512.IsShim(preload!) && File.Exists(preload), preload);
        }
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Attend.Notebooks.Tests;

/// <summary>The kernel judged by clients we did not write: Jupyter's conformance suite, our own
/// protocol guarantees through jupyter_client, and nbconvert executing every notebook.</summary>
public class JupyterKernelTests(JupyterTools jupyter) : IClassFixture<JupyterTools>
{
    void Unittest(string file)
    {
        var r = ChildProcess.Run(jupyter.Python, new[] { "-m", "unittest", "-v", file }, jupyter.Repo, TimeSpan.FromMinutes(8), jupyter.Env());
        Assert.True(r.ExitCode == 0, $"{file} failed (exit {r.ExitCode}):\n{r.Output}");
        Assert.Contains("\nOK", r.Output);
    }

    [Fact]
    public void The_installed_kernel_runs_a_ready_to_run_copy_of_the_engine_from_its_kernelspec()
    {
        string dir = Path.Combine(jupyter.Prefix, "share", "jupyter", "kernels", Kernel.KernelSpec.DefaultName);
        var argv = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "kernel.json")))!["argv"]!.AsArray();
        string dll = argv[1]!.GetValue<string>();
        Assert.Equal(Path.Combine(dir, "engine", "Attend.Notebooks.dll"), dll);
        // A ReadyToRun image carries a managed native header (CorHeader flag ILLibrary / ManagedNativeHeader).
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(dll));
        Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "the engine copy is not ReadyToRun-compiled");
    }

    [Fact]
    public void Jupyter_kernel_test_conformance_suite_passes() => Unittest("tests/kernel/test_conformance.py");

    [Fact]
    public void Signatures_interrupts_stdin_and_memory_hold_through_jupyter_client() => Unittest("tests/kernel/test_behaviour.py");

    /// <summary>Jupyter Notebook in headless Chromium (Selenium): run all with an image, interrupt
    /// a sleep, restart, completion, the tooltip inside a call, save and reload; a chart drawn offline
    /// (traces in its SVG, a hover value) after save, reload and trust, and its PNG without JavaScript.
    /// Screenshots of failures are kept in out/browser-artefacts/.</summary>
    [Fact]
    public void A_student_in_the_browser_can_run_interrupt_complete_and_save()
    {
        string artefacts = Path.Combine(jupyter.Repo, "out", "browser-artefacts");
        Directory.CreateDirectory(artefacts);
        var env = jupyter.Env();
        env["ATTEND_BROWSER_ARTEFACTS"] = artefacts;
        var r = ChildProcess.Run(jupyter.Python, new[] { "-m", "unittest", "-v", "tests/kernel/test_browser.py" }, jupyter.Repo,
                                 TimeSpan.FromMinutes(8), env);
        Assert.True(r.ExitCode == 0, $"tests/kernel/test_browser.py failed (exit {r.ExitCode}; screenshots in out/browser-artefacts):\n{r.Output}");
        Assert.Contains("\nOK", r.Output);
    }

    /// <summary>Each notebook, with its quick parameters injected by the runner (--prepare-only),
    /// executed by `jupyter nbconvert --execute` on our kernel; any error output fails.</summary>
    [Fact]
    public void Nbconvert_executes_every_notebook_with_the_kernel()
    {
        // Prepared copies go in <repo>/out/ so relative references (#r "../lib/Attend") still resolve.
        string staging = Path.Combine(jupyter.Repo, "out");
        using var executed = new TempDir();
        var notebooks = Directory.GetFiles(Path.Combine(jupyter.Repo, "notebooks"), "*.ipynb").Order().ToList();
        var prep = ChildProcess.Run("dotnet", new[] { jupyter.Engine, "run", "notebooks", "--quick", "--prepare-only", "--out", staging },
                                    jupyter.Repo, TimeSpan.FromMinutes(2));
        Assert.True(prep.ExitCode == 0, prep.Output);
        var inputs = notebooks.Select(n => Path.Combine(staging, Path.GetFileName(n))).ToArray();
        var args = new[] { "-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=attend-csharp",
                           "--ExecutePreprocessor.timeout=900", "--output-dir", executed.Path }.Concat(inputs).ToArray();
        var r = ChildProcess.Run(jupyter.Python, args, jupyter.Repo, TimeSpan.FromMinutes(30), jupyter.Env(Path.Combine(executed.Path, "figures")));
        Assert.True(r.ExitCode == 0, $"nbconvert failed (exit {r.ExitCode}):\n{r.Output}");
        foreach (var n in notebooks)
        {
            var nb = JsonNode.Parse(File.ReadAllText(Path.Combine(executed.Path, Path.GetFileName(n))))!;
            var codeCells = nb["cells"]!.AsArray().Where(c => c!["cell_type"]!.GetValue<string>() == "code").ToList();
            Assert.All(codeCells, c => Assert.NotNull(c!["execution_count"]));
            var errors = codeCells.SelectMany(c => c!["outputs"]!.AsArray()).Where(o => o!["output_type"]!.GetValue<string>() == "error").ToList();
            Assert.True(errors.Count == 0, $"{Path.GetFileName(n)}: {string.Join("\n", errors.Select(e => e!.ToJsonString()))}");
        }
        foreach (var i in inputs) File.Delete(i);
    }

    /// <summary>The .NET Interactive-style notebooks of tests/interactive, executed by nbconvert on the
    /// kernel, give the runner's MIME bundles, output by output (chart ids, fresh GUIDs, aside).</summary>
    [Fact]
    public void Nbconvert_on_the_kernel_gives_the_runners_bundles_for_dotnet_interactive_notebooks()
    {
        using var byRunner = new TempDir();
        using var byKernel = new TempDir();
        var notebooks = Directory.GetFiles(InteractiveNotebooksTests.Folder, "*.ipynb").Order().ToList();
        var run = ChildProcess.Run("dotnet", new[] { jupyter.Engine, "run", InteractiveNotebooksTests.Folder, "--out", byRunner.Path },
                                   jupyter.Repo, TimeSpan.FromMinutes(10));
        Assert.True(run.ExitCode == 0, run.Output);
        var args = new[] { "-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=attend-csharp",
                           "--ExecutePreprocessor.timeout=600", "--output-dir", byKernel.Path }.Concat(notebooks).ToArray();
        var r = ChildProcess.Run(jupyter.Python, args, jupyter.Repo, TimeSpan.FromMinutes(10), jupyter.Env());
        Assert.True(r.ExitCode == 0, $"nbconvert failed (exit {r.ExitCode}):\n{r.Output}");
        foreach (var name in notebooks.Select(Path.GetFileName))
        {
            var expected = Bundles(Path.Combine(byRunner.Path, name!));
            Assert.NotEmpty(expected);
            var actual = Bundles(Path.Combine(byKernel.Path, name!));
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);   // one output at a time: a readable difference
        }
    }

    static List<string> Bundles(string executed)
        => JsonNode.Parse(File.ReadAllText(executed))!["cells"]!.AsArray()
            .Where(c => c!["cell_type"]!.GetValue<string>() == "code")
            .SelectMany(c => c!["outputs"]!.AsArray().Where(o => o!["data"] != null).Select(o =>
                $"{c["id"]} {o!["output_type"]}: " + string.Join("\n", ((JsonObject)o["data"]!).Select(kv => $"{kv.Key}={Value(kv.Value)}"))))
            .Select(b => Regex.Replace(b, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<guid>"))
            .Select(b => Regex.Replace(b, "attend-plot-[0-9a-f]+", "attend-plot-<id>"))   // each chart's element has its own id
            .ToList();

    /// <summary>A MIME value as text: JSON MIME types (charts) are held as JSON, the others as text lines.</summary>
    static string Value(JsonNode? v) => v is JsonObject json ? json.ToJsonString() : Nb.Text(v);
}

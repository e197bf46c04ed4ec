using System.Text.Json.Nodes;

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
}

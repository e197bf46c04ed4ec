namespace Attend.Notebooks.Tests;

/// <summary>Jupyter's own Python tools (jupyter_kernel_test, nbconvert, nbclient, jupyter_client,
/// Jupyter Notebook with Chromium and Selenium for the browser tests),
/// with the kernelspec installed under a temporary prefix that JUPYTER_PATH points at.
/// Debian packages them; on a Debian machine where they are missing and we are root, they are
/// installed with apt-get (what .ci/run does), so the README's test command bootstraps itself.</summary>
public sealed class JupyterTools : IDisposable
{
    public static readonly string[] DebianPackages =
    {
        "python3-jupyter-kernel-test", "jupyter-nbconvert", "python3-nbclient", "python3-ipykernel",
        // the browser tests: Jupyter Notebook 6.4 in headless Chromium, driven by Selenium
        "jupyter-notebook", "chromium", "chromium-driver", "python3-selenium",
    };
    const string Probe = "import jupyter_kernel_test, jupyter_client, nbconvert, nbclient, notebook, selenium; "
                         + "import os; assert os.path.exists('/usr/bin/chromedriver') and os.path.exists('/usr/bin/chromium')";

    public string Python { get; }
    public string Prefix { get; } = Directory.CreateTempSubdirectory("attend-kernelspec-").FullName;
    public string Repo { get; } = RunnerTests.FindRepo();
    public string Engine { get; } = typeof(Runner.RunCommand).Assembly.Location;

    public JupyterTools()
    {
        Python = FindPython() ?? Bootstrap() ?? throw new InvalidOperationException(
            $"Jupyter's Python tools are missing: install Debian's {string.Join(" ", DebianPackages)} (as .ci/run does)");
        // As users install it: the kernel runs a ReadyToRun copy of the engine published into the kernelspec.
        var install = ChildProcess.Run("dotnet", new[] { Engine, "kernel", "install", "--prefix", Prefix }, Repo, TimeSpan.FromMinutes(10));
        if (install.ExitCode != 0) throw new InvalidOperationException($"kernel install failed:\n{install.Output}");
    }

    static string? FindPython()
        => new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(p =>
        {
            try { return ChildProcess.Run(p, new[] { "-c", Probe }, ".", TimeSpan.FromMinutes(1)).ExitCode == 0; }
            catch (System.ComponentModel.Win32Exception) { return false; }
        });

    static string? Bootstrap()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get") || Environment.UserName != "root") return null;
        var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var install = new[] { "install", "-y", "-q", "--no-install-recommends" }.Concat(DebianPackages).ToArray();
        var r = ChildProcess.Run("/usr/bin/apt-get", install, ".", TimeSpan.FromMinutes(10), env);
        if (r.ExitCode != 0)
        {
            // A fresh machine has no package lists yet: fetch them and try once more.
            ChildProcess.Run("/usr/bin/apt-get", new[] { "update", "-qq" }, ".", TimeSpan.FromMinutes(10), env);
            r = ChildProcess.Run("/usr/bin/apt-get", install, ".", TimeSpan.FromMinutes(10), env);
        }
        return r.ExitCode == 0 ? FindPython() : null;
    }

    /// <summary>Environment for Jupyter clients: our kernelspec first on JUPYTER_PATH.</summary>
    public Dictionary<string, string> Env(string? figures = null)
    {
        var env = new Dictionary<string, string> { ["JUPYTER_PATH"] = Path.Combine(Prefix, "share", "jupyter"), ["PYTHONDONTWRITEBYTECODE"] = "1" };
        if (figures != null) env["ATTEND_FIGURES"] = figures;
        return env;
    }

    public void Dispose() { try { Directory.Delete(Prefix, true); } catch (IOException) { } }
}

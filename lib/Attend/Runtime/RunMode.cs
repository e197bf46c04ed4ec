// Maps how a notebook is being run (the runner's quick or full mode, or an interactive session)
// to the folders its run-specific files go to, so a quick run (the tests) never replaces what a
// full run wrote.
namespace Attend.Runtime;

public static class RunMode
{
    /// <summary>Set by the runner to "quick" or "full" for the notebook it executes.</summary>
    public const string Variable = "ATTEND_RUN_MODE";

    /// <summary>"quick", "full", or "interactive" (a kernel session or any other host).</summary>
    public static string Current => Environment.GetEnvironmentVariable(Variable) switch
    {
        "quick" => "quick",
        "full" => "full",
        _ => "interactive",
    };

    /// <summary>The checkpoint folder of this mode, relative to the notebooks' folder (their working
    /// directory): ../out/checkpoints/&lt;mode&gt;.</summary>
    public static string CheckpointFolder() => Path.Combine("..", "out", "checkpoints", Current);
}

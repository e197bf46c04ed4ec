using Attend.Runtime;

namespace Attend.Tests.Runtime;

public class RunModeTests
{
    [Theory]
    [InlineData("quick", "quick")]
    [InlineData("full", "full")]
    [InlineData(null, "interactive")]
    [InlineData("Full", "interactive")]
    public void Each_run_mode_has_its_own_checkpoint_folder(string? variable, string mode)
    {
        string? saved = Environment.GetEnvironmentVariable(RunMode.Variable);
        try
        {
            Environment.SetEnvironmentVariable(RunMode.Variable, variable);
            Assert.Equal(mode, RunMode.Current);
            Assert.Equal(Path.Combine("..", "out", "checkpoints", mode), RunMode.CheckpointFolder());
        }
        finally { Environment.SetEnvironmentVariable(RunMode.Variable, saved); }
    }
}

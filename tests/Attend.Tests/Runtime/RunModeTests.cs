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

public class RepoPathsTests
{
    [Fact]
    public void Paths_inside_the_repository_print_relative_and_others_in_full()
    {
        string root = RepoPaths.Root()!;
        Assert.True(Directory.Exists(Path.Combine(root, "lib", "Attend")));
        Assert.Equal("figures/07-air-data.png", RepoPaths.Display(Path.Combine(root, "figures", "07-air-data.png")));
        string outside = Path.Combine(Path.GetTempPath(), "07-air-data.png");
        Assert.Equal(Path.GetFullPath(outside), RepoPaths.Display(outside));
        // The user's home folder shows as ~ (a cache file), so outputs carry no user name or machine path.
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!root.StartsWith(home + Path.DirectorySeparatorChar))
        {
            string cache = Path.Combine(home, ".cache", "attend-notebooks", "threads.json");
            Assert.Equal("~/.cache/attend-notebooks/threads.json", RepoPaths.Display(cache));
        }
    }
}

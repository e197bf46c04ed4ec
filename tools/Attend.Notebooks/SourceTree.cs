// Maps a running engine build (or a program built beside it: tests, benchmarks) to the repository
// it was built in, found by walking up from the assembly to the solution file.
namespace Attend.Notebooks;

public static class SourceTree
{
    /// <summary>The repository above <see cref="AppContext.BaseDirectory"/> (the folder with AttentionNotebooks.slnx),
    /// or null when this build does not sit in one (an installed copy).</summary>
    public static string? Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "AttentionNotebooks.slnx"))) return d.FullName;
        return null;
    }

    /// <summary><see cref="Root"/>, or an error naming where it looked.</summary>
    public static string RequireRoot()
        => Root() ?? throw new DirectoryNotFoundException(
            $"cannot find the repository root (AttentionNotebooks.slnx) above {AppContext.BaseDirectory}");
}

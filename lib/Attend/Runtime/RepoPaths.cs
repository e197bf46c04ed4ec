// Maps file paths to what outputs print: relative to the repository when the file is inside it
// (figures/07-air-data.png), so committed notebook outputs carry no machine's absolute paths.
namespace Attend.Runtime;

public static class RepoPaths
{
    /// <summary>The repository (the folder with lib/Attend) holding the first of <paramref name="starts"/>
    /// that is inside one (default: the working directory), or null.</summary>
    public static string? Root(params string[] starts)
    {
        foreach (var start in starts.Length == 0 ? new[] { Environment.CurrentDirectory } : starts)
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                if (Directory.Exists(Path.Combine(d.FullName, "lib", "Attend"))) return d.FullName;
        return null;
    }

    /// <summary><paramref name="path"/> relative to the repository when inside it (with '/'), else the full path.</summary>
    public static string Display(string path)
    {
        string full = Path.GetFullPath(path);
        if (Root() is not { } root) return full;
        string relative = Path.GetRelativePath(root, full);
        return relative.StartsWith("..") || Path.IsPathRooted(relative) ? full : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}

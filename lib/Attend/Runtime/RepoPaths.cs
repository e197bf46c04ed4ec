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

    /// <summary><paramref name="path"/> relative to the repository when inside it (with '/'), under "~/" when in the
    /// user's home folder, else the full path.</summary>
    public static string Display(string path)
    {
        string full = Path.GetFullPath(path);
        if (Root() is { } root && Inside(root, full) is { } relative) return relative;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 0 && Inside(home, full) is { } inHome ? "~/" + inHome : full;
    }

    static string? Inside(string folder, string full)
    {
        string relative = Path.GetRelativePath(folder, full);
        bool outside = relative.StartsWith("..") || Path.IsPathRooted(relative) || relative == ".";
        return outside ? null : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}

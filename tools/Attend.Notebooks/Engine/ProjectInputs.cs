// Maps the projects a notebook references to the newest write time among the files a build of
// them reads: every source and build file (.cs, .csproj, .props, .targets, .editorconfig) of the
// source tree that holds them (the top folder with a Directory.Build.props, else the project's
// own folder), outside bin/, obj/ and out/. Conservative: any edit in that tree means a rebuild.
namespace Attend.Notebooks.Engine;

static class ProjectInputs
{
    static readonly string[] Extensions = { ".cs", ".csproj", ".props", ".targets", ".editorconfig" };
    static readonly string[] Skipped = { "bin", "obj", "out", ".git", "node_modules" };

    /// <summary>The newest last-write time (UTC ticks) of the inputs of <paramref name="projects"/>.</summary>
    public static long NewestWrite(IEnumerable<string> projects)
    {
        long newest = 0;
        foreach (var root in projects.Select(TreeRoot).Distinct())
            newest = Math.Max(newest, Newest(new DirectoryInfo(root)));
        return newest;
    }

    /// <summary>The inputs time a build recorded in its stamp file (0: none, or an older stamp format).</summary>
    public static long Recorded(string stamp)
    {
        var text = File.ReadAllText(stamp).Trim();
        return text.StartsWith("inputs ") && long.TryParse(text[7..], out long ticks) ? ticks : 0;
    }

    public static void Record(string stamp, long inputs) => File.WriteAllText(stamp, $"inputs {inputs}\n");

    static string TreeRoot(string project)
    {
        var dir = new FileInfo(project).Directory!;
        string root = dir.FullName;
        for (var d = dir; d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Directory.Build.props"))) root = d.FullName;
        return root;
    }

    static long Newest(DirectoryInfo dir)
    {
        long newest = 0;
        foreach (var f in dir.EnumerateFiles())
            if (Extensions.Contains(f.Extension) || f.Name == ".editorconfig") newest = Math.Max(newest, f.LastWriteTimeUtc.Ticks);
        foreach (var d in dir.EnumerateDirectories())
            if (!Skipped.Contains(d.Name) && (d.Attributes & FileAttributes.ReparsePoint) == 0) newest = Math.Max(newest, Newest(d));
        return newest;
    }
}

// A referenced project is rebuilt exactly when a source or build file of its tree changed.
using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Tests;

public class ProjectInputsTests
{
    [Fact]
    public void Sources_and_build_files_count_and_build_outputs_do_not()
    {
        using var d = new TempDir();
        File.WriteAllText(Path.Combine(d.Path, "Directory.Build.props"), "<Project />");
        string project = Path.Combine(d.Path, "lib", "Lib.csproj");
        Directory.CreateDirectory(Path.Combine(d.Path, "lib", "obj"));
        File.WriteAllText(project, "<Project />");
        string source = Path.Combine(d.Path, "lib", "A.cs");
        File.WriteAllText(source, "class A {}");
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var f in Directory.GetFiles(d.Path, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(f, t0);
        Assert.Equal(t0.Ticks, ProjectInputs.NewestWrite(new[] { project }));

        string output = Path.Combine(d.Path, "lib", "obj", "Lib.dll");
        File.WriteAllText(output, "x");
        File.SetLastWriteTimeUtc(output, t0.AddHours(1));
        File.WriteAllText(Path.Combine(d.Path, "notes.txt"), "not an input");
        Assert.Equal(t0.Ticks, ProjectInputs.NewestWrite(new[] { project }));

        // An edit anywhere in the tree the top Directory.Build.props holds (a sibling project too).
        Directory.CreateDirectory(Path.Combine(d.Path, "tools"));
        string sibling = Path.Combine(d.Path, "tools", "B.cs");
        File.WriteAllText(sibling, "class B {}");
        File.SetLastWriteTimeUtc(sibling, t0.AddMinutes(5));
        Assert.Equal(t0.AddMinutes(5).Ticks, ProjectInputs.NewestWrite(new[] { project }));

        string stamp = Path.Combine(d.Path, ".built");
        File.WriteAllText(stamp, "2026-01-01T00:00:00Z");   // an older stamp format: unknown inputs
        Assert.Equal(0, ProjectInputs.Recorded(stamp));
        ProjectInputs.Record(stamp, 42);
        Assert.Equal(42, ProjectInputs.Recorded(stamp));
    }
}

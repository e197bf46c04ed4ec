// Maps rendered figures to PNG bytes that notebooks display (ToPng) and save under the
// run's figures folder (ATTEND_FIGURES, set by the runner; else the repository's figures/), and,
// for charts, to the plotly.js figure of the same data (ToPlotly), shown interactively beside the PNG.
namespace Attend.Plotting;

public sealed class Figure(byte[] png, int width, int height, string? plotly = null)
{
    /// <summary>AppContext data name of the runner's <c>Action&lt;string&gt;</c> told each saved figure's path
    /// (Attend.Notebooks.Runner.NotebookRunner.FigureSavedKey).</summary>
    public const string SavedKey = "Attend.Notebooks.FigureSaved";

    public byte[] Png { get; } = png;
    public int Width { get; } = width;
    public int Height { get; } = height;

    /// <summary>The notebook engine shows objects with ToPng() as image/png.</summary>
    public byte[] ToPng() => Png;

    /// <summary>The plotly.js figure JSON ({data, layout}) of a chart, null for images; the notebook engine shows
    /// objects with it as an interactive chart, with ToPng() as the picture for viewers without JavaScript.</summary>
    public string? ToPlotly() => plotly;

    /// <summary>Saves as <paramref name="fileName"/> in the figures folder; returns the path to print
    /// (relative to the repository when the folder is inside it).</summary>
    public string Save(string fileName)
    {
        if (fileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || !fileName.EndsWith(".png"))
            throw new ArgumentException($"figure name '{fileName}' must be a plain file name ending in .png");
        string path = Path.Combine(FiguresFolder(), fileName);
        Data.AtomicFile.WriteAllBytes(path, Png);
        // The runner lists a notebook's figures from these calls, not from file times: runs that overlap
        // in one folder would otherwise claim each other's figures.
        if (AppContext.GetData(SavedKey) is Action<string> saved) saved(path);
        return Runtime.RepoPaths.Display(path);
    }

    public static string FiguresFolder()
    {
        if (Environment.GetEnvironmentVariable("ATTEND_FIGURES") is { Length: > 0 } env) return env;
        return Path.Combine(Runtime.RepoPaths.Root() ?? Environment.CurrentDirectory, "figures");
    }

    public override string ToString() => $"Figure {Width}×{Height} ({Png.Length:N0} bytes PNG)";
}

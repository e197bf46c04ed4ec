// Maps the library's live displays (training progress) to the notebook engine's displays: the
// engine publishes a function as AppContext data that shows a MIME bundle in the running cell
// and returns its updater (Jupyter's update_display_data), so the library references no engine.
// Outside a notebook cell there is no such function and callers fall back to plain lines.
namespace Attend.Training;

public static class CellDisplay
{
    /// <summary>The AppContext data name the engine uses (Attend.Notebooks.Engine.LibraryDisplay.AppContextKey):
    /// a <c>Func&lt;IReadOnlyDictionary&lt;string, string&gt;, Action&lt;IReadOnlyDictionary&lt;string, string&gt;&gt;&gt;</c>.</summary>
    public const string AppContextKey = "Attend.Notebooks.Display";

    /// <summary>Shows <paramref name="bundle"/> (MIME type → text) in the running cell and returns the
    /// function that replaces it in place, or null outside a notebook cell.</summary>
    public static Action<IReadOnlyDictionary<string, string>>? Show(IReadOnlyDictionary<string, string> bundle)
    {
        if (AppContext.GetData(AppContextKey) is not Func<IReadOnlyDictionary<string, string>, Action<IReadOnlyDictionary<string, string>>> show)
            return null;
        try { return show(bundle); }
        catch (InvalidOperationException) { return null; }   // published, but no cell is running
    }
}

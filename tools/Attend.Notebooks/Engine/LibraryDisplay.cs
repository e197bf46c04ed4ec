// Maps a library's live display (the Attend library's training progress bar) to a display in the
// running cell, updated in place: the engine publishes a plain-BCL function as AppContext data,
// so libraries use it without referencing the engine (Attend.Training.CellDisplay reads it).
namespace Attend.Notebooks.Engine;

public static class LibraryDisplay
{
    /// <summary>The AppContext data name: a Func&lt;IReadOnlyDictionary&lt;string, string&gt;,
    /// Action&lt;IReadOnlyDictionary&lt;string, string&gt;&gt;&gt; that shows a MIME bundle and returns its updater.</summary>
    public const string AppContextKey = "Attend.Notebooks.Display";

    /// <summary>Publishes the function once per process (idempotent); it throws InvalidOperationException
    /// when no cell is running.</summary>
    public static void Publish()
        => AppContext.SetData(AppContextKey, (Func<IReadOnlyDictionary<string, string>, Action<IReadOnlyDictionary<string, string>>>)Show);

    static Action<IReadOnlyDictionary<string, string>> Show(IReadOnlyDictionary<string, string> bundle)
    {
        var handle = DisplayContext.Show(ToMime(bundle), Array.Empty<string>());
        return updated => handle.Update(ToMime(updated));
    }

    static MimeBundle ToMime(IReadOnlyDictionary<string, string> bundle)
    {
        var mime = new MimeBundle();
        foreach (var (type, text) in bundle) mime[type] = text;
        if (!mime.ContainsKey("text/plain")) throw new ArgumentException("a display bundle needs text/plain");
        return mime;
    }
}

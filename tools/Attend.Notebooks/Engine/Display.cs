// Maps display(x) / x.Display() in a cell to display_data outputs, with handles whose
// Update(x) replaces the earlier display in place (progress bars, live figures). As in .NET
// Interactive, MIME types can be named (display(x, "text/html")); text/plain is always added.
namespace Attend.Notebooks.Engine;

public sealed class DisplayHandle
{
    readonly IOutputSink sink;
    readonly string[] mimeTypes;
    public string DisplayId { get; }
    internal DisplayHandle(IOutputSink sink, string id, string[] mimeTypes) { this.sink = sink; DisplayId = id; this.mimeTypes = mimeTypes; }

    /// <summary>Replaces what this display shows, in the MIME types it was shown in.</summary>
    public void Update(object? value) => sink.Display(Formatters.Format(value, mimeTypes), DisplayId, isUpdate: true);

    /// <summary>Replaces what this display shows with a ready MIME bundle (a library's live display).</summary>
    public void Update(MimeBundle bundle) => sink.Display(bundle, DisplayId, isUpdate: true);
}

public static class DisplayContext
{
    static volatile IOutputSink? current;
    internal static IDisposable Use(IOutputSink sink) { current = sink; return new Reset(); }
    sealed class Reset : IDisposable { public void Dispose() => current = null; }

    public static DisplayHandle Show(object? value, params string[] mimeTypes) => Show(Formatters.Format(value, mimeTypes), mimeTypes);

    /// <summary>Shows a bundle made by the caller (DisplayAs, Javascript).</summary>
    internal static DisplayHandle Show(MimeBundle bundle, string[] mimeTypes)
    {
        var sink = current ?? throw new InvalidOperationException("display() can only be called while a notebook cell runs");
        var handle = new DisplayHandle(sink, Guid.NewGuid().ToString("N"), mimeTypes);
        sink.Display(bundle, handle.DisplayId, isUpdate: false);
        return handle;
    }

    public static void Clear(bool wait = false) => current?.ClearOutput(wait);
}

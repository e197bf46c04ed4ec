// Maps display(x) / x.Display() in a cell to display_data outputs, with handles whose
// Update(x) replaces the earlier display in place (progress bars, live figures).
namespace Attend.Notebooks.Engine;

public sealed class DisplayHandle
{
    readonly IOutputSink sink;
    public string DisplayId { get; }
    internal DisplayHandle(IOutputSink sink, string id) { this.sink = sink; DisplayId = id; }

    /// <summary>Replaces what this display shows.</summary>
    public void Update(object? value) => sink.Display(Formatters.Format(value), DisplayId, isUpdate: true);

    /// <summary>Replaces what this display shows with a ready MIME bundle.</summary>
    public void Update(MimeBundle bundle) => sink.Display(bundle, DisplayId, isUpdate: true);
}

public static class DisplayContext
{
    static volatile IOutputSink? current;
    internal static IDisposable Use(IOutputSink sink) { current = sink; return new Reset(); }
    sealed class Reset : IDisposable { public void Dispose() => current = null; }

    public static DisplayHandle Show(object? value) => Show(Formatters.Format(value));

    /// <summary>Shows a ready MIME bundle in the running cell.</summary>
    public static DisplayHandle Show(MimeBundle bundle)
    {
        var sink = current ?? throw new InvalidOperationException("display() can only be called while a notebook cell runs");
        var handle = new DisplayHandle(sink, Guid.NewGuid().ToString("N"));
        sink.Display(bundle, handle.DisplayId, isUpdate: false);
        return handle;
    }

    public static void Clear(bool wait = false) => current?.ClearOutput(wait);
}

/// <summary>x.Display() for any value, as in .NET Interactive.</summary>
public static class DisplayExtensions
{
    public static DisplayHandle Display(this object? value) => DisplayContext.Show(value);
}

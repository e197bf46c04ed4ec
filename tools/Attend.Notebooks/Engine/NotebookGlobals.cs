// The globals every cell sees: display(), the notebook's location, and the running cell's
// cancellation token.
namespace Attend.Notebooks.Engine;

public class NotebookGlobals
{
    public string NotebookPath { get; internal set; } = "";
    public string NotebookDirectory { get; internal set; } = "";
    public CancellationToken CancellationToken => Interrupt.Token;

    public DisplayHandle display(object? value) => DisplayContext.Show(value);
    public void clear_output(bool wait = false) => DisplayContext.Clear(wait);
}

/// <summary>Cooperative interruption: the engine inserts Interrupt.Check() at the top of every
/// loop body in a cell, so even `while (true) {}` stops when the cell is cancelled.</summary>
public static class Interrupt
{
    static CancellationToken token;
    public static CancellationToken Token => token;
    internal static void Set(CancellationToken t) => token = t;
    public static void Check() => token.ThrowIfCancellationRequested();
}

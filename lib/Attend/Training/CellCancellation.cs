// Maps a notebook cell's interrupt to a token the library's long calls check: the notebook
// engine publishes the running cell's CancellationToken as AppContext data, so training stops
// between batches when the user interrupts, while the library references no engine and runs
// unchanged elsewhere (no data: a token that never cancels).
namespace Attend.Training;

public static class CellCancellation
{
    /// <summary>The AppContext data name the engine uses (Attend.Notebooks.Engine.Interrupt.AppContextKey).</summary>
    public const string AppContextKey = "Attend.Notebooks.CellCancellation";

    /// <summary>The running cell's token, or <see cref="CancellationToken.None"/> outside a notebook cell.</summary>
    public static CancellationToken Current => AppContext.GetData(AppContextKey) is CancellationToken t ? t : CancellationToken.None;

    /// <summary>Throws <see cref="OperationCanceledException"/> if <paramref name="token"/> or the
    /// running cell has been cancelled.</summary>
    public static void ThrowIfCancelled(CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        Current.ThrowIfCancellationRequested();
    }
}

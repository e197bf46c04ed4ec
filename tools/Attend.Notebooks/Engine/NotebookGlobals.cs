// The globals every cell sees: display(), the notebook's location, the running cell's
// cancellation token, and .NET Interactive's HTML(), Javascript() and CSS() helpers.
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive.Formatting;

namespace Attend.Notebooks.Engine;

public class NotebookGlobals
{
    public string NotebookPath { get; internal set; } = "";
    public string NotebookDirectory { get; internal set; } = "";
    public CancellationToken CancellationToken => Interrupt.Token;

    public DisplayHandle display(object? value, params string[] mimeTypes) => DisplayContext.Show(value, mimeTypes);
    public void clear_output(bool wait = false) => DisplayContext.Clear(wait);

    /// <summary>Text to show as HTML, unencoded (a cell's value or display(HTML(...))).</summary>
    public IHtmlContent HTML(string content) => content.ToHtmlContent();

    /// <summary>Runs script in the front end, as a text/html script element (as .NET Interactive does).</summary>
    public void Javascript(string scriptContent) => $"<script type=\"text/javascript\">{scriptContent}</script>".DisplayAs("text/html");

    /// <summary>Adds a style sheet to the page, as .NET Interactive's CSS().</summary>
    public void CSS(string content) => $"<style>{content}</style>".DisplayAs("text/html");
}

/// <summary>Cooperative interruption: the engine inserts Interrupt.Check() at the top of every
/// loop body in a cell, so even `while (true) {}` stops when the cell is cancelled. The running
/// cell's token is also published as AppContext data under <see cref="AppContextKey"/>, so
/// libraries stop long calls (the Attend library's training loop checks it once per batch)
/// without referencing the engine.</summary>
public static class Interrupt
{
    /// <summary>The AppContext data name of the running cell's CancellationToken (boxed); none
    /// when no cell runs. Read it with <c>AppContext.GetData(key) is CancellationToken t</c>.</summary>
    public const string AppContextKey = "Attend.Notebooks.CellCancellation";

    static CancellationToken token;
    public static CancellationToken Token => token;

    internal static void Set(CancellationToken t)
    {
        token = t;
        AppContext.SetData(AppContextKey, t.CanBeCanceled ? t : null);
    }

    public static void Check() => token.ThrowIfCancellationRequested();
}

// Maps a running cell's live display updates (the library's training progress bar) to the
// runner's terminal: redrawn in place on one line when the terminal is interactive, and a plain
// line at most every 30 s when the output goes to a log (CI, a file).
namespace Attend.Notebooks.Runner;

public sealed class TerminalProgress
{
    static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(30);
    readonly object gate = new();
    readonly bool interactive;
    readonly TextWriter terminal;
    int drawnWidth;
    DateTime lastLine = DateTime.MinValue;
    string? pending;

    public TerminalProgress(TextWriter? terminal = null, bool? interactive = null)
    {
        this.terminal = terminal ?? Console.Out;
        this.interactive = interactive ?? (!Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb");
    }

    public void Update(string text)
    {
        string line = "  " + text.Split('\n')[0];
        lock (gate)
        {
            if (interactive)
            {
                int width = Math.Max(20, (Console.IsOutputRedirected ? 120 : Console.WindowWidth) - 1);
                if (line.Length > width) line = line[..(width - 1)] + "…";
                terminal.Write("\r" + line.PadRight(drawnWidth));
                drawnWidth = line.Length;
                terminal.Flush();
                return;
            }
            pending = line;
            if (DateTime.UtcNow - lastLine < LineInterval) return;
            Flush();
        }
    }

    /// <summary>Ends the cell's live line: cleared on a terminal; in a log, its last state is written.</summary>
    public void EndCell()
    {
        lock (gate)
        {
            if (interactive && drawnWidth > 0)
            {
                terminal.Write("\r" + new string(' ', drawnWidth) + "\r");
                drawnWidth = 0;
            }
            else if (!interactive && pending != null) Flush();
        }
    }

    void Flush()
    {
        terminal.WriteLine(pending);
        pending = null;
        lastLine = DateTime.UtcNow;
    }
}

// Maps Console.Out/Console.Error writes (from any thread) to the sink of the cell that is
// running, so output lands in the right cell in the order it was written. Process-wide by
// design: one cell runs at a time per process.
using System.Text;

namespace Attend.Notebooks.Engine;

public static class ConsoleRouter
{
    static readonly object Gate = new();
    static IOutputSink? current;
    static TextWriter? originalOut;
    static TextWriter? originalError;

    /// <summary>Routes console output to <paramref name="sink"/> until the returned scope ends.</summary>
    public static IDisposable Route(IOutputSink sink)
    {
        lock (Gate)
        {
            if (originalOut == null)
            {
                originalOut = Console.Out; originalError = Console.Error;
                Console.SetOut(new RoutedWriter("stdout")); Console.SetError(new RoutedWriter("stderr"));
            }
            current = sink;
        }
        return new Scope();
    }

    sealed class Scope : IDisposable
    {
        public void Dispose() { lock (Gate) current = null; }
    }

    /// <summary>Where writes go when no cell runs: the process's real console.</summary>
    static void Write(string name, string text)
    {
        IOutputSink? sink;
        lock (Gate) sink = current;
        if (sink != null) sink.Stream(name, text);
        else (name == "stdout" ? originalOut : originalError)?.Write(text);
    }

    sealed class RoutedWriter(string name) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => ConsoleRouter.Write(name, value.ToString());
        public override void Write(string? value) { if (!string.IsNullOrEmpty(value)) ConsoleRouter.Write(name, value); }
        public override void Write(char[] buffer, int index, int count)
        {
            if (count > 0) ConsoleRouter.Write(name, new string(buffer, index, count));
        }
        public override void WriteLine(string? value) => ConsoleRouter.Write(name, (value ?? "") + "\n");
        public override void WriteLine() => ConsoleRouter.Write(name, "\n");
    }
}

// Maps .NET Interactive's Kernel helpers (display, HTML, Javascript, CSS), which its notebooks
// call as Kernel.HTML(…) or import with `using static Microsoft.DotNet.Interactive.Kernel;`, to the
// engine's: the same helpers every cell already has as globals. Its kernel API (Kernel.Current,
// commands, GetInputAsync) belongs to .NET Interactive's kernel and has no counterpart here.
using Attend.Notebooks.Engine;
using Microsoft.AspNetCore.Html;

namespace Microsoft.DotNet.Interactive;

public static class Kernel
{
    static readonly NotebookGlobals Helpers = new();

    public static DisplayHandle display(object? value, params string[] mimeTypes) => Helpers.display(value, mimeTypes);
    public static IHtmlContent HTML(string content) => Helpers.HTML(content);
    public static void Javascript(string scriptContent) => Helpers.Javascript(scriptContent);
    public static void CSS(string content) => Helpers.CSS(content);
}

// Maps a sequence of C# cells to results on one Roslyn scripting session: state (variables,
// usings, types, methods) carries from cell to cell, top-level await works, a running cell
// can be cancelled, and errors come back as one structured error.
using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace Attend.Notebooks.Engine;

/// <summary>An error as Jupyter shows it: exception name, message, traceback lines.</summary>
public sealed record CellError(string EName, string EValue, IReadOnlyList<string> Traceback);

public sealed record CellResult(bool HasValue, object? Value, CellError? Error, TimeSpan Elapsed)
{
    public bool Success => Error == null;
}

public sealed class ExecutionSession
{
    static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);
    static readonly string[] DefaultImports =
    {
        "System", "System.IO", "System.Linq", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading",
        "System.Threading.Tasks", "Attend.Notebooks.Engine",
        // as .NET Interactive's Jupyter kernel: LaTeXString and MathString without a using
        "Microsoft.DotNet.Interactive.Jupyter.Formatting"
    };

    readonly NotebookGlobals globals;
    readonly ReferenceResolver resolver;
    readonly CellThread cellThread = new();
    readonly string baseDirectory;
    ScriptOptions options;
    ScriptState<object>? state;
    int cellNumber;

    /// <summary>Package versions chosen for references without an exact version, and those a notebook recorded.</summary>
    public ReferenceResolver Packages => resolver;

    /// <summary>True once a cell overran a hard time-out and may still be running: the session
    /// cannot be used any more.</summary>
    public bool Broken { get; private set; }

    public ExecutionSession(string? notebookPath = null, Action<string>? log = null)
    {
        baseDirectory = notebookPath != null ? Path.GetDirectoryName(Path.GetFullPath(notebookPath))! : Environment.CurrentDirectory;
        globals = new NotebookGlobals
        {
            NotebookPath = notebookPath != null ? Path.GetFullPath(notebookPath) : "",
            NotebookDirectory = baseDirectory
        };
        resolver = new ReferenceResolver(log ?? (m => Console.Error.WriteLine(m)), baseDirectory);
        options = BaseOptions(baseDirectory);
        // Formatters a notebook registers are process-wide; a new session starts from the defaults.
        Microsoft.DotNet.Interactive.Formatting.Formatter.ResetToDefault();
    }

    /// <summary>Compiles and runs a trivial script with a session's options, on its own: Roslyn's
    /// first compilation loads and JIT-compiles the compiler (seconds), so a kernel does this while
    /// it waits for its first cell. Touches no session and no process-wide engine state.</summary>
    public static void WarmUp()
    {
        var warm = CSharpScript.Create("1 + 1", BaseOptions(Environment.CurrentDirectory), typeof(NotebookGlobals));
        warm.RunAsync(new NotebookGlobals()).GetAwaiter().GetResult();
    }

    static readonly Lazy<Task> BackgroundWarmUp = new(() => Task.Run(WarmUp));

    /// <summary>Starts <see cref="WarmUp"/> once per process on the thread pool; the kernel calls it
    /// first thing, so the compiler warms up while the rest of the process starts.</summary>
    public static Task StartWarmUp() => BackgroundWarmUp.Value;

    static ScriptOptions BaseOptions(string baseDirectory)
    {
        return ScriptOptions.Default
            .WithReferences(BaseReferences.Value)
            .WithImports(DefaultImports)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithAllowUnsafe(true)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(baseDirectory));
    }

    /// <summary>The engine, and .NET Interactive's formatting API (Formatter, PocketView, IHtmlContent) that notebooks written for it use.</summary>
    static readonly Type[] EngineAssemblies =
        { typeof(NotebookGlobals), typeof(Microsoft.DotNet.Interactive.Formatting.Formatter), typeof(Microsoft.AspNetCore.Html.IHtmlContent) };

    /// <summary>The framework's and the engine's assemblies, read once per process and shared by every
    /// session and the kernel's warm-up, so the warm-up's reading of their metadata serves the first cell.</summary>
    static readonly Lazy<MetadataReference[]> BaseReferences = new(() =>
        FrameworkReferences().Concat(EngineAssemblies.Select(t => t.Assembly.Location)).Select(WithDocs).ToArray());

    static IEnumerable<string> FrameworkReferences()
    {
        string frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == frameworkDir && !p.EndsWith(".ni.dll"))
            .Where(p => { try { AssemblyName.GetAssemblyName(p); return true; } catch (BadImageFormatException) { return false; } });
    }

    /// <summary>A reference whose XML docs (when the SDK's reference pack has them) show in inspection.</summary>
    static MetadataReference WithDocs(string path)
    {
        string xml = Path.ChangeExtension(path, ".xml");
        string name = Path.GetFileNameWithoutExtension(path);
        // CoreLib's public types are documented under the reference assembly that exposes them.
        if (!File.Exists(xml) && ReferencePackDirectory() is { } pack)
            xml = Path.Combine(pack, (name == "System.Private.CoreLib" ? "System.Runtime" : name) + ".xml");
        return MetadataReference.CreateFromFile(path, documentation: File.Exists(xml) ? new XmlDocs(xml) : null);
    }

    /// <summary>dotnet/packs/Microsoft.NETCore.App.Ref/&lt;newest&gt;/ref/net&lt;major&gt;.0, where the framework's docs live.</summary>
    static string? ReferencePackDirectory()
    {
        string frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var packs = new DirectoryInfo(Path.Combine(frameworkDir, "..", "..", "..", "packs", "Microsoft.NETCore.App.Ref"));
        if (!packs.Exists) return null;
        string tfm = $"net{Environment.Version.Major}.0";
        return packs.GetDirectories().OrderByDescending(d => Version.TryParse(d.Name.Split('-')[0], out var v) ? v : new Version())
            .Select(d => Path.Combine(d.FullName, "ref", tfm)).FirstOrDefault(Directory.Exists);
    }

    /// <summary>The compilation <paramref name="code"/> would have as the next cell, with every earlier
    /// cell's variables and usings in scope: what completion and inspection look symbols up in.</summary>
    public Compilation CompilationFor(string code)
    {
        var script = state != null ? state.Script.ContinueWith(code, options) : CSharpScript.Create(code, options, typeof(NotebookGlobals));
        return script.GetCompilation();
    }

    public static CSharpParseOptions ScriptParseOptions => ParseOptions;

    /// <summary>Runs one cell. Output goes to <paramref name="sink"/>. Cancelling <paramref name="ct"/>
    /// stops loops at their next iteration; <paramref name="hardTimeout"/> bounds the wait for
    /// code that never reaches a check (the session is then marked broken). Errors name the cell
    /// as <paramref name="cellLabel"/> (its position in the notebook), else the submission count.</summary>
    public async Task<CellResult> ExecuteAsync(string source, IOutputSink sink, CancellationToken ct = default, TimeSpan? hardTimeout = null,
        int? cellLabel = null)
    {
        if (Broken) throw new InvalidOperationException("the session is broken: an earlier cell did not stop; restart it");
        cellNumber++;
        int number = cellLabel ?? cellNumber;
        var sw = Stopwatch.StartNew();
        CellDirectives d;
        try { d = Directives.Parse(source, baseDirectory); }
        catch (DirectiveException e) { return Fail("DirectiveError", e.Message, sw); }
        if (d.ContentMimeType is { } mime)
        {
            sink.Display(new MimeBundle { [mime] = d.Code, ["text/plain"] = d.Code }, null, isUpdate: false);
            return new CellResult(false, null, null, sw.Elapsed);
        }
        try
        {
            resolver.AddSources(d.Sources);
            if (d.Packages.Count + d.Projects.Count > 0)
            {
                var references = resolver.Resolve(d.Packages, d.Projects);
                foreach (var note in resolver.Notes) sink.Stream("stdout", note + "\n");
                options = options.AddReferences(references.Select(p => MetadataReference.CreateFromFile(p)));
            }
            if (d.Assemblies.Count > 0) options = options.AddReferences(d.Assemblies.Select(p => MetadataReference.CreateFromFile(p)));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or BadImageFormatException)
        {
            return Fail("ReferenceError", e.Message, sw);
        }
        if (string.IsNullOrWhiteSpace(d.Code)) return new CellResult(false, null, null, sw.Elapsed);

        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(d.Code, ParseOptions).GetRoot();
        string code = LoopInterrupts.Rewrite(root);
        bool hasValue = EndsWithExpression(root);
        bool declares = state == null || DeclaresState(root);
        // A PDB (for "cell N, line L" in tracebacks) costs ~20 KB a cell for the process's life;
        // a one-line cell that declares nothing has only line 1, so it goes without.
        bool debugInfo = declares || code.AsSpan().Trim().ContainsAny('\n', '\r');
        var cellOptions = options.WithFilePath($"cell {number}").WithEmitDebugInformation(debugInfo);
        using var route = ConsoleRouter.Route(sink);
        using var display = DisplayContext.Use(sink);
        LibraryDisplay.Publish();
        Interrupt.Set(ct);
        try
        {
            var run = cellThread.Run(() => state == null
                ? CSharpScript.RunAsync(code, cellOptions, globals, typeof(NotebookGlobals), ct)
                : state.ContinueWithAsync(code, cellOptions, ct), ct);
            if (hardTimeout is { } limit && await Task.WhenAny(run, Task.Delay(limit, CancellationToken.None)) != run)
            {
                Broken = true;
                return Fail("CellTimeoutError", $"cell {number} did not stop within {limit.TotalSeconds:F0} s of its time-out", sw);
            }
            var next = await run;
            // Roslyn keeps every submission's compilation in the chain, and each new compilation
            // costs memory in proportion to the chain's length. A cell that declares nothing
            // (no variables, methods, types or usings) adds nothing later cells can see, so the
            // chain keeps its old head: a kernel running `1 + 1` a thousand times stays flat.
            if (declares) state = next;
            if (d.Time) sink.Stream("stdout", $"Wall time: {sw.Elapsed.TotalMilliseconds:F0} ms\n");
            object? value = next.ReturnValue;
            // A cell ending in display(x) without a semicolon has shown x already, not its handle.
            return new CellResult(hasValue && value is not (null or DisplayHandle), value, null, sw.Elapsed);
        }
        catch (CompilationErrorException e)
        {
            var errors = e.Diagnostics.Where(x => x.Severity == DiagnosticSeverity.Error).ToList();
            var lines = errors.Select(x => $"cell {number}, line {x.Location.GetLineSpan().StartLinePosition.Line + 1}, "
                    + $"column {x.Location.GetLineSpan().StartLinePosition.Character + 1}: error {x.Id}: {x.GetMessage()}")
                .ToList();
            return new CellResult(false, null, new CellError("CompilationError", lines.FirstOrDefault() ?? e.Message, lines), sw.Elapsed);
        }
        catch (Exception e) when (ct.IsCancellationRequested && IsInterruption(e))
        {
            return Fail("OperationCanceledException", $"cell {number} was interrupted", sw);
        }
        catch (Exception e)
        {
            var ex = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            return new CellResult(false, null, new CellError(ex.GetType().Name, ex.Message, Traceback(ex, number)), sw.Elapsed);
        }
        finally { Interrupt.Set(CancellationToken.None); }
    }

    /// <summary>What an interrupt throws: a cancellation (loop checks, library checks of the token)
    /// or an interrupted wait, possibly wrapped by reflection or a task.</summary>
    static bool IsInterruption(Exception e) => e switch
    {
        OperationCanceledException or ThreadInterruptedException => true,
        TargetInvocationException { InnerException: { } inner } => IsInterruption(inner),
        AggregateException { InnerExceptions.Count: 1 } a => IsInterruption(a.InnerExceptions[0]),
        _ => false,
    };

    static CellResult Fail(string ename, string message, Stopwatch sw)
        => new(false, null, new CellError(ename, message, new[] { $"{ename}: {message}" }), sw.Elapsed);

    /// <summary>"Exception: message" then the frames, with script frames shown as "cell N, line L".</summary>
    static List<string> Traceback(Exception ex, int number)
    {
        var lines = new List<string> { $"{ex.GetType().FullName}: {ex.Message}" };
        foreach (var frame in new StackTrace(ex, true).GetFrames())
        {
            var m = frame.GetMethod();
            string? file = frame.GetFileName() is { } f ? Path.GetFileName(f) : null;   // Roslyn roots "cell N" at the base directory
            if (file != null && file.StartsWith("cell "))
                lines.Add($"   at {file}, line {frame.GetFileLineNumber()}");
            else if (file == null && (m?.DeclaringType is { } st)
                     && (st.Name.StartsWith("Submission#") || st.DeclaringType?.Name.StartsWith("Submission#") == true))
                lines.Add($"   at cell {number}, line 1");   // one-line cells carry no PDB
            else if (m?.DeclaringType is { } t && !IsPlumbing(t))
                lines.Add($"   at {t.FullName}.{m.Name}" + (file != null ? $" in {file}:line {frame.GetFileLineNumber()}" : ""));
        }
        if (ex.InnerException != null) lines.Add($" ---> {ex.InnerException.GetType().FullName}: {ex.InnerException.Message}");
        return lines;
    }

    /// <summary>Frames of the engine, Roslyn and async/exception machinery say nothing about the user's code.</summary>
    static bool IsPlumbing(Type t)
        => t.Assembly == typeof(ExecutionSession).Assembly || t.Assembly.GetName().Name!.StartsWith("Microsoft.CodeAnalysis")
           || t.Namespace is "System.Runtime.ExceptionServices" or "System.Runtime.CompilerServices"
                          or "System.Threading.Tasks" or "System.Threading";

    /// <summary>True when later cells could see something this cell declares: top-level variables
    /// (including out/pattern variables of top-level statements), local functions (which become
    /// methods), types, usings, directives. Conservative: anything unsure counts as a declaration.</summary>
    public static bool DeclaresState(string code) => DeclaresState(Parse(code));

    static bool DeclaresState(CompilationUnitSyntax root)
    {
        if (root.Usings.Count > 0 || root.Externs.Count > 0 || root.AttributeLists.Count > 0) return true;
        if (root.ContainsDirectives) return true;
        foreach (var member in root.Members)
        {
            if (member is not GlobalStatementSyntax g) return true;
            if (g.Statement is LocalDeclarationStatementSyntax or LocalFunctionStatementSyntax) return true;
            // Expression variables (out var x, is T x) in a top-level statement become fields too,
            // unless they sit inside a nested block, lambda or local function.
            bool exposed = g.Statement
                .DescendantNodes(n => n is not (BlockSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                .Any(n => n is SingleVariableDesignationSyntax or ParenthesizedVariableDesignationSyntax);
            if (exposed && g.Statement is not BlockSyntax) return true;
        }
        return false;
    }

    /// <summary>True when the cell ends with an expression that has no semicolon (its value is the result).</summary>
    public static bool EndsWithExpression(string code) => EndsWithExpression(Parse(code));

    static bool EndsWithExpression(CompilationUnitSyntax root)
        => root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax es } && es.SemicolonToken.IsMissing;

    static CompilationUnitSyntax Parse(string code) => (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, ParseOptions).GetRoot();
}

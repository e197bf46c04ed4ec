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
        { "System", "System.IO", "System.Linq", "System.Text", "System.Collections.Generic", "System.Threading", "System.Threading.Tasks", "Attend.Notebooks.Engine" };

    readonly NotebookGlobals globals;
    readonly ReferenceResolver resolver;
    readonly string baseDirectory;
    ScriptOptions options;
    ScriptState<object>? state;
    int cellNumber;

    /// <summary>True once a cell overran a hard time-out and may still be running: the session
    /// cannot be used any more.</summary>
    public bool Broken { get; private set; }

    public ExecutionSession(string? notebookPath = null, Action<string>? log = null)
    {
        baseDirectory = notebookPath != null ? Path.GetDirectoryName(Path.GetFullPath(notebookPath))! : Environment.CurrentDirectory;
        globals = new NotebookGlobals { NotebookPath = notebookPath != null ? Path.GetFullPath(notebookPath) : "", NotebookDirectory = baseDirectory };
        resolver = new ReferenceResolver(log ?? (m => Console.Error.WriteLine(m)));
        options = ScriptOptions.Default
            .WithReferences(FrameworkReferences().Append(typeof(NotebookGlobals).Assembly.Location).Select(p => MetadataReference.CreateFromFile(p)))
            .WithImports(DefaultImports)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithAllowUnsafe(true)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(baseDirectory));
    }

    static IEnumerable<string> FrameworkReferences()
    {
        string frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == frameworkDir && !p.EndsWith(".ni.dll"))
            .Where(p => { try { AssemblyName.GetAssemblyName(p); return true; } catch (BadImageFormatException) { return false; } });
    }

    /// <summary>Runs one cell. Output goes to <paramref name="sink"/>. Cancelling <paramref name="ct"/>
    /// stops loops at their next iteration; <paramref name="hardTimeout"/> bounds the wait for
    /// code that never reaches a check (the session is then marked broken). Errors name the cell
    /// as <paramref name="cellLabel"/> (its position in the notebook), else the submission count.</summary>
    public async Task<CellResult> ExecuteAsync(string source, IOutputSink sink, CancellationToken ct = default, TimeSpan? hardTimeout = null, int? cellLabel = null)
    {
        if (Broken) throw new InvalidOperationException("the session is broken: an earlier cell did not stop; restart it");
        cellNumber++;
        int number = cellLabel ?? cellNumber;
        var sw = Stopwatch.StartNew();
        CellDirectives d;
        try { d = Directives.Parse(source, baseDirectory); }
        catch (DirectiveException e) { return Fail("DirectiveError", e.Message, sw); }
        if (d.Language != "csharp") return new CellResult(false, null, null, sw.Elapsed);
        try
        {
            if (d.Packages.Count + d.Projects.Count > 0)
                options = options.AddReferences(resolver.Resolve(d.Packages, d.Projects).Select(p => MetadataReference.CreateFromFile(p)));
            if (d.Assemblies.Count > 0) options = options.AddReferences(d.Assemblies.Select(p => MetadataReference.CreateFromFile(p)));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or BadImageFormatException)
        {
            return Fail("ReferenceError", e.Message, sw);
        }
        if (string.IsNullOrWhiteSpace(d.Code)) return new CellResult(false, null, null, sw.Elapsed);

        string code = LoopInterrupts.Rewrite(d.Code, ParseOptions);
        bool hasValue = EndsWithExpression(d.Code);
        var cellOptions = options.WithFilePath($"cell {number}");
        using var route = ConsoleRouter.Route(sink);
        using var display = DisplayContext.Use(sink);
        Interrupt.Set(ct);
        try
        {
            var run = Task.Run(async () => state == null
                ? await CSharpScript.RunAsync(code, cellOptions, globals, typeof(NotebookGlobals), ct)
                : await state.ContinueWithAsync(code, cellOptions, ct), CancellationToken.None);
            if (hardTimeout is { } limit && await Task.WhenAny(run, Task.Delay(limit, CancellationToken.None)) != run)
            {
                Broken = true;
                return Fail("CellTimeoutError", $"cell {number} did not stop within {limit.TotalSeconds:F0} s of its time-out", sw);
            }
            state = await run;
            if (d.Time) sink.Stream("stdout", $"Wall time: {sw.Elapsed.TotalMilliseconds:F0} ms\n");
            object? value = state.ReturnValue;
            return new CellResult(hasValue && value != null, value, null, sw.Elapsed);
        }
        catch (CompilationErrorException e)
        {
            var errors = e.Diagnostics.Where(x => x.Severity == DiagnosticSeverity.Error).ToList();
            var lines = errors.Select(x => $"cell {number}, line {x.Location.GetLineSpan().StartLinePosition.Line + 1}, column {x.Location.GetLineSpan().StartLinePosition.Character + 1}: error {x.Id}: {x.GetMessage()}").ToList();
            return new CellResult(false, null, new CellError("CompilationError", lines.FirstOrDefault() ?? e.Message, lines), sw.Elapsed);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
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
            if (file != null && file.StartsWith("cell ")) lines.Add($"   at {file}, line {frame.GetFileLineNumber()}");
            else if (m?.DeclaringType is { } t && !IsPlumbing(t)) lines.Add($"   at {t.FullName}.{m.Name}" + (file != null ? $" in {file}:line {frame.GetFileLineNumber()}" : ""));
        }
        if (ex.InnerException != null) lines.Add($" ---> {ex.InnerException.GetType().FullName}: {ex.InnerException.Message}");
        return lines;
    }

    /// <summary>Frames of the engine, Roslyn and async/exception machinery say nothing about the user's code.</summary>
    static bool IsPlumbing(Type t)
        => t.Assembly == typeof(ExecutionSession).Assembly || t.Assembly.GetName().Name!.StartsWith("Microsoft.CodeAnalysis")
           || t.Namespace is "System.Runtime.ExceptionServices" or "System.Runtime.CompilerServices" or "System.Threading.Tasks" or "System.Threading";

    /// <summary>True when the cell ends with an expression that has no semicolon (its value is the result).</summary>
    public static bool EndsWithExpression(string code)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, ParseOptions).GetRoot();
        return root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax es } && es.SemicolonToken.IsMissing;
    }

    /// <summary>Whether the code is a complete submission (for a kernel's is_complete).</summary>
    public static bool IsComplete(string code) => SyntaxFactory.IsCompleteSubmission(CSharpSyntaxTree.ParseText(code, ParseOptions));
}

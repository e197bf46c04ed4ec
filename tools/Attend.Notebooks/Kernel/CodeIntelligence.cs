// Maps code and a cursor position to what a kernel's complete, inspect and is_complete
// requests answer, from Roslyn's view of the code as the session's next cell.
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Kernel;

public sealed record Completion(IReadOnlyList<string> Matches, int CursorStart, int CursorEnd);
public sealed record Inspection(string Signature, string? Documentation);
public sealed record CompleteStatus(string Status, string? Indent);

public sealed class CodeIntelligence(ExecutionSession session)
{
    static readonly SymbolDisplayFormat SignatureFormat = SymbolDisplayFormat.CSharpErrorMessageFormat
        .WithMemberOptions(SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType
                           | SymbolDisplayMemberOptions.IncludeContainingType)
        .WithParameterOptions(SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
                              | SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut);

    /// <summary>Names that can stand at <paramref name="cursor"/> and start with the word before it:
    /// members after a dot, otherwise every symbol in scope (earlier cells' variables included).</summary>
    public Completion Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        int start = cursor;
        while (start > 0 && IsIdentifierChar(code[start - 1])) start--;
        string prefix = code[start..cursor];
        var (model, tree) = Analyse(code);
        int position = start;
        var inScope = start > 0 && code[start - 1] == '.' && tree.GetRoot().FindToken(start - 1) is var dot && dot.IsKind(SyntaxKind.DotToken)
            ? Members(model, dot.Parent, position)
            : model.LookupSymbols(position).Where(s => s.CanBeReferencedByName);
        var candidates = inScope.Select(s => s.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var names = candidates.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (names.Count == 0)   // fall back to a case-insensitive match before giving up
            names = candidates.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return new Completion(names, start, cursor);
    }

    static IEnumerable<ISymbol> Members(SemanticModel model, SyntaxNode? access, int position)
    {
        ExpressionSyntax? target = access switch
        {
            MemberAccessExpressionSyntax m => m.Expression,
            QualifiedNameSyntax q => q.Left,
            _ => null,
        };
        if (target == null) return Array.Empty<ISymbol>();
        var symbol = model.GetSymbolInfo(target).Symbol;
        if (symbol is INamespaceSymbol ns) return model.LookupNamespacesAndTypes(position, ns);
        if (symbol is ITypeSymbol type) return model.LookupStaticMembers(position, type).Where(s => s.CanBeReferencedByName);
        var instance = model.GetTypeInfo(target).Type;
        return instance == null ? Array.Empty<ISymbol>()
            : model.LookupSymbols(position, instance, includeReducedExtensionMethods: true).Where(s => s.CanBeReferencedByName && !s.IsStatic);
    }

    /// <summary>Inside a call's argument list: every overload of the method (or constructor) being
    /// called, with its summary, the parameter at the cursor marked «like this». Elsewhere: the
    /// signature(s) and XML summary of the symbol at or just before the cursor. Detail level 1 adds
    /// the documentation's returns and remarks, and the source of symbols declared in the notebook.</summary>
    public Inspection? Inspect(string code, int cursor, int detailLevel = 0)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var (model, tree) = Analyse(code);
        var root = tree.GetRoot();
        if (CallHelp.At(model, root, cursor, detailLevel) is { } help) return help;
        int at = cursor > 0 && (cursor == code.Length || !IsIdentifierChar(code[cursor])) ? cursor - 1 : cursor;
        var token = root.FindToken(Math.Max(0, at));
        if (token.Parent is not { } node) return null;
        var info = model.GetSymbolInfo(node);
        var candidates = info.Symbol != null ? new[] { info.Symbol } : info.CandidateSymbols.ToArray();
        if (candidates.Length == 0 && model.GetDeclaredSymbol(node) is { } declared) candidates = new[] { declared };
        if (candidates.Length == 0 && node is ExpressionSyntax expr && model.GetTypeInfo(expr).Type is { } type) candidates = new ISymbol[] { type };
        if (candidates.Length == 0) return null;
        string signature = string.Join("\n", candidates.Select(Describe).Distinct());
        string? doc = detailLevel > 0 ? CallHelp.Details(candidates[0], Summary(candidates[0])) : Summary(candidates[0]);
        return new Inspection(signature, doc);
    }

    static string Describe(ISymbol s) => s switch
    {
        ILocalSymbol l => $"{l.Type.ToDisplayString()} {l.Name}",
        IFieldSymbol { ContainingType.IsScriptClass: true } f => $"{f.Type.ToDisplayString()} {f.Name}",
        _ => s.ToDisplayString(SignatureFormat),
    };

    internal static string? Summary(ISymbol s) => DocElement(s, "summary");

    /// <summary>The text of one element of the symbol's XML documentation (summary, returns,
    /// remarks, or param name="…"), references reduced to their names.</summary>
    internal static string? DocElement(ISymbol s, string element, string? name = null)
    {
        string? xml = (s is IMethodSymbol { ReducedFrom: { } r } ? r : s.OriginalDefinition).GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml)) return null;
        string open = name == null ? $"<{element}>" : $"<{element} name=\"{Regex.Escape(name)}\">";
        var m = Regex.Match(xml, $"{open}(.*?)</{element}>", RegexOptions.Singleline);
        if (!m.Success) return null;
        string text = Regex.Replace(m.Groups[1].Value, "<see(?:also)? (?:cref|langword|href)=\"(?:[A-Z]:)?([^\"]+)\"\\s*/>", "$1");
        text = Regex.Replace(text, "<[^>]+>", "");
        return Regex.Replace(System.Net.WebUtility.HtmlDecode(text), "\\s+", " ").Trim();
    }

    /// <summary>complete / incomplete (with the indent for the next line) / invalid, by Roslyn's
    /// complete-submission check and the parser's errors.</summary>
    public static CompleteStatus IsComplete(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, ExecutionSession.ScriptParseOptions);
        if (!SyntaxFactory.IsCompleteSubmission(tree))
        {
            int open = 0;   // brackets still open (the parser adds missing closers; they do not count)
            foreach (var t in tree.GetRoot().DescendantTokens())
                if (t.IsKind(SyntaxKind.OpenBraceToken) || t.IsKind(SyntaxKind.OpenParenToken)) open++;
                else if ((t.IsKind(SyntaxKind.CloseBraceToken) || t.IsKind(SyntaxKind.CloseParenToken)) && !t.IsMissing) open--;
            return new CompleteStatus("incomplete", new string(' ', 4 * Math.Max(1, open)));
        }
        return tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)
            ? new CompleteStatus("invalid", null) : new CompleteStatus("complete", null);
    }

    /// <summary>The engine's own directives (#!, #:) are not C#; blank them (same length, so
    /// positions stay) before Roslyn reads the code.</summary>
    (SemanticModel, SyntaxTree) Analyse(string code)
    {
        var sb = new StringBuilder(code.Length);
        foreach (var line in Regex.Split(code, "(?<=\n)"))
            sb.Append(line.TrimStart().StartsWith("#!") || line.TrimStart().StartsWith("#:") ? Regex.Replace(line, "[^\r\n]", " ") : line);
        var compilation = session.CompilationFor(sb.ToString());
        var tree = compilation.SyntaxTrees.Single();
        return (compilation.GetSemanticModel(tree), tree);
    }

    static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}

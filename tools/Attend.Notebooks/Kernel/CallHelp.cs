// Maps a cursor inside a call's argument list (Math.Max(|, new Glimpse(4, |), x.To(|)) to the
// help a Shift+Tab tooltip shows: every overload of the method or constructor being called,
// the best match first, each with its summary, the parameter at the cursor marked «like this»
// with its own documentation. Detail level 1 adds returns, remarks and notebook-declared source.
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attend.Notebooks.Kernel;

static class CallHelp
{
    const int MaxOverloads = 12;

    static readonly SymbolDisplayFormat ParameterFormat = SymbolDisplayFormat.CSharpErrorMessageFormat
        .WithParameterOptions(SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
                              | SymbolDisplayParameterOptions.IncludeDefaultValue | SymbolDisplayParameterOptions.IncludeParamsRefOut);

    public static Inspection? At(SemanticModel model, SyntaxNode root, int cursor, int detailLevel)
    {
        if (Enclosing(root, cursor) is not { } arguments) return null;
        var overloads = Overloads(model, arguments.Parent);
        if (overloads.Count == 0) return null;
        int index = arguments.Arguments.GetSeparators().Count(c => c.SpanStart < cursor);
        string? named = index < arguments.Arguments.Count ? arguments.Arguments[index].NameColon?.Name.Identifier.Text : null;
        var text = new StringBuilder();
        foreach (var m in overloads.Take(MaxOverloads))
        {
            var current = Current(m, index, named);
            if (text.Length > 0) text.Append("\n\n");
            text.Append(Signature(m, current));
            if (CodeIntelligence.Summary(m) is { } summary) text.Append("\n    ").Append(summary);
            if (current != null)
            {
                text.Append($"\n    {current.Name}: {current.Type.ToDisplayString()}");
                if (CodeIntelligence.DocElement(m, "param", current.Name) is { } doc) text.Append(" — ").Append(doc);
            }
            if (detailLevel > 0 && Details(m, null) is { } more) text.Append('\n').Append(Indent(more));
        }
        if (overloads.Count > MaxOverloads) text.Append($"\n\n… {overloads.Count - MaxOverloads} more overloads");
        string header = overloads.Count == 1 ? "1 overload" : $"{overloads.Count} overloads";
        return new Inspection($"{header} of {Name(overloads[0])}", text.ToString());
    }

    /// <summary>Summary (if given), returns, remarks, and the declaration for symbols declared in the notebook.</summary>
    public static string? Details(ISymbol s, string? summary)
    {
        var parts = new List<string>();
        if (summary != null) parts.Add(summary);
        if (CodeIntelligence.DocElement(s, "returns") is { } returns) parts.Add($"Returns: {returns}");
        if (CodeIntelligence.DocElement(s, "remarks") is { } remarks) parts.Add($"Remarks: {remarks}");
        if (s.DeclaringSyntaxReferences.FirstOrDefault() is { } declaration)
            parts.Add("Source:\n" + declaration.GetSyntax().ToString());
        return parts.Count == 0 ? null : string.Join("\n", parts);
    }

    /// <summary>The innermost argument list whose parentheses hold the cursor.</summary>
    static ArgumentListSyntax? Enclosing(SyntaxNode root, int cursor)
    {
        var token = root.FindToken(Math.Max(0, cursor - 1));
        foreach (var list in token.Parent?.AncestorsAndSelf().OfType<ArgumentListSyntax>() ?? Enumerable.Empty<ArgumentListSyntax>())
        {
            bool afterOpen = list.OpenParenToken.Span.End <= cursor;
            bool beforeClose = list.CloseParenToken.IsMissing || cursor <= list.CloseParenToken.SpanStart;
            if (afterOpen && beforeClose) return list;
        }
        return null;
    }

    /// <summary>The methods or constructors the call can mean, the one the compiler chose first.</summary>
    static List<IMethodSymbol> Overloads(SemanticModel model, SyntaxNode? call)
    {
        IEnumerable<IMethodSymbol> all = call switch
        {
            InvocationExpressionSyntax i => model.GetMemberGroup(i.Expression).OfType<IMethodSymbol>(),
            BaseObjectCreationExpressionSyntax o => (model.GetTypeInfo(o).Type as INamedTypeSymbol)?.InstanceConstructors
                                                    .Where(c => c.DeclaredAccessibility == Accessibility.Public || c.Locations.Any(l => l.IsInSource))
                                                    ?? Enumerable.Empty<IMethodSymbol>(),
            _ => Enumerable.Empty<IMethodSymbol>(),
        };
        var chosen = call == null ? null : model.GetSymbolInfo(call).Symbol as IMethodSymbol;
        return all.Distinct<IMethodSymbol>(SymbolEqualityComparer.Default)
            .OrderByDescending(m => SymbolEqualityComparer.Default.Equals(m, chosen))
            .ThenBy(m => m.Parameters.Length)
            .ToList();
    }

    static IParameterSymbol? Current(IMethodSymbol m, int index, string? named)
    {
        if (named != null) return m.Parameters.FirstOrDefault(p => p.Name == named);
        if (index < m.Parameters.Length) return m.Parameters[index];
        return m.Parameters.LastOrDefault(p => p.IsParams);
    }

    static string Name(IMethodSymbol m) => m.MethodKind == MethodKind.Constructor
        ? $"new {m.ContainingType.ToDisplayString()}"
        : $"{(m.ReducedFrom ?? m).ContainingType.ToDisplayString()}.{m.Name}";

    static string Signature(IMethodSymbol m, IParameterSymbol? current)
    {
        var parameters = m.Parameters.Select(p =>
            SymbolEqualityComparer.Default.Equals(p, current) ? $"«{p.ToDisplayString(ParameterFormat)}»" : p.ToDisplayString(ParameterFormat));
        string result = m.MethodKind == MethodKind.Constructor ? "" : m.ReturnType.ToDisplayString() + " ";
        return $"{result}{Name(m)}({string.Join(", ", parameters)})";
    }

    static string Indent(string text) => "    " + text.Replace("\n", "\n    ");
}

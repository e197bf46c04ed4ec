// Maps C# syntax to ATT001 diagnostics: a declaration that declares several variables or fields
// (int a, b;), or that shares its line with another statement or member. For-loop initialisers
// are exempt (for (int i = 0, n = 1; ...) is one loop header). Written here because no served
// analyzer checks locals: StyleCop's SA1132 covers fields only.
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Attend.Analyzers;

[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationPerLineAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = new(
        "ATT001", "One declaration per line", "{0}", "Style", DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Each variable or field is declared in its own statement, on its own line.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(Check, SyntaxKind.LocalDeclarationStatement, SyntaxKind.FieldDeclaration, SyntaxKind.EventFieldDeclaration);
    }

    static void Check(SyntaxNodeAnalysisContext c)
    {
        var declaration = c.Node switch
        {
            LocalDeclarationStatementSyntax l => l.Declaration,
            BaseFieldDeclarationSyntax f => f.Declaration,
            _ => null,
        };
        if (declaration is null) return;
        if (declaration.Variables.Count > 1)
        {
            var names = string.Join(", ", declaration.Variables.Select(v => v.Identifier.Text));
            c.ReportDiagnostic(Diagnostic.Create(Rule, declaration.Variables[1].GetLocation(), $"declare {names} one per line"));
            return;
        }
        var previous = c.Node.GetFirstToken().GetPreviousToken();
        if (previous.IsKind(SyntaxKind.SemicolonToken) && Line(previous) == Line(c.Node.GetFirstToken()))
            c.ReportDiagnostic(Diagnostic.Create(Rule, c.Node.GetLocation(), $"'{declaration.Variables[0].Identifier.Text}' shares its line with the statement before it"));
    }

    static int Line(SyntaxToken t) => t.GetLocation().GetLineSpan().StartLinePosition.Line;
}

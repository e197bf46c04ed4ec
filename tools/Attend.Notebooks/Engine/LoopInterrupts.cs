// Maps a cell's syntax tree to one with Interrupt.Check() as the first statement of every
// loop body, inserted on the same line so compiler and stack-trace line numbers still match.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attend.Notebooks.Engine;

public sealed class LoopInterrupts : CSharpSyntaxRewriter
{
    static readonly StatementSyntax CheckStatement = SyntaxFactory.ParseStatement("global::Attend.Notebooks.Engine.Interrupt.Check();");

    public static string Rewrite(SyntaxNode root)
    {
        if (root.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) return root.ToFullString();   // let the compiler report it
        return new LoopInterrupts().Visit(root).ToFullString();
    }

    static StatementSyntax Inject(StatementSyntax body) => body is BlockSyntax block
        ? block.WithStatements(block.Statements.Insert(0, CheckStatement))
        : SyntaxFactory.Block(CheckStatement, body.WithoutTrivia()).WithTriviaFrom(body);

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var n = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return n.WithStatement(Inject(n.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var n = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return n.WithStatement(Inject(n.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var n = (ForStatementSyntax)base.VisitForStatement(node)!;
        return n.WithStatement(Inject(n.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var n = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return n.WithStatement(Inject(n.Statement));
    }
}

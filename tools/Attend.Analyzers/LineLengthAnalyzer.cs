// Maps each line of a C# file to an ATT002 diagnostic when it is longer than .editorconfig's
// max_line_length (characters, not bytes). Written here because no served analyzer reads that
// setting: it is an editor hint unless something like this enforces it.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Attend.Analyzers;

[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LineLengthAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = new(
        "ATT002", "Line too long", "Line is {0} characters long; the limit is {1} (.editorconfig max_line_length)", "Style",
        DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxTreeAction(Check);
    }

    static void Check(SyntaxTreeAnalysisContext c)
    {
        var options = c.Options.AnalyzerConfigOptionsProvider.GetOptions(c.Tree);
        if (!options.TryGetValue("max_line_length", out var text) || !int.TryParse(text, out int limit) || limit < 1) return;
        var source = c.Tree.GetText(c.CancellationToken);
        foreach (var line in source.Lines)
        {
            int length = line.Span.Length;
            if (length <= limit) continue;
            c.ReportDiagnostic(Diagnostic.Create(Rule, Location.Create(c.Tree, TextSpan.FromBounds(line.Start + limit, line.End)), length, limit));
        }
    }
}

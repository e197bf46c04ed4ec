// The analyzers behind CONTRIBUTING.md's code conventions, run on small sources: each rule fires
// where it should, not where it should not, and reads the line limit from .editorconfig's setting.
using System.Collections.Immutable;
using Attend.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Attend.Notebooks.Tests;

public class ConventionAnalyzerTests
{
    sealed class Options(int? maxLineLength) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value)
        {
            value = maxLineLength?.ToString() ?? "";
            return key == "max_line_length" && maxLineLength is not null;
        }
    }

    sealed class Provider(int? maxLineLength) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => new Options(null);
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(maxLineLength);
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(null);
    }

    static List<Diagnostic> Analyze(string source, int? maxLineLength = null)
    {
        var tree = CSharpSyntaxTree.ParseText(source);
        var compilation = CSharpCompilation.Create("probe", new[] { tree },
            new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new DeclarationPerLineAnalyzer(), new LineLengthAnalyzer());
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new Provider(maxLineLength));
        return compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().Result.OrderBy(d => d.Location.SourceSpan.Start).ToList();
    }

    [Fact]
    public void Several_declarators_or_two_declarations_on_a_line_are_reported()
    {
        var d = Analyze("class C {\n int a, b;\n void M() {\n  double x = 0, y = 1;\n  var p = 1; var q = 2;\n }\n}");
        Assert.Equal(new[] { "ATT001", "ATT001", "ATT001" }, d.Select(x => x.Id));
        Assert.Contains("a, b", d[0].GetMessage());
        Assert.Contains("x, y", d[1].GetMessage());
        Assert.Contains("'q' shares its line", d[2].GetMessage());
    }

    [Fact]
    public void One_declaration_per_line_for_headers_and_deconstruction_pass()
    {
        var d = Analyze("""
            class C
            {
                int a;
                int b;
                void M()
                {
                    for (int i = 0, n = 3; i < n; i++) { }
                    var (p, q) = (1, 2);
                    var r = p + q;
                }
            }
            """);
        Assert.Empty(d);
    }

    [Fact]
    public void Lines_over_the_editorconfig_limit_are_reported_with_their_length()
    {
        string source = "class C\n{\n    // " + new string('x', 40) + "\n}\n";
        var d = Assert.Single(Analyze(source, maxLineLength: 30));
        Assert.Equal("ATT002", d.Id);
        Assert.Equal(2, d.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains("47 characters long; the limit is 30", d.GetMessage());
        Assert.Empty(Analyze(source, maxLineLength: 47));
        Assert.Empty(Analyze(source));   // no limit set: nothing to enforce
    }
}

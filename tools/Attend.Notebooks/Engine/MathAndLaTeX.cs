// Maps .NET Interactive's LaTeXString and MathString (its Jupyter kernel's types, imported into
// every C# cell there, so notebooks cast to them without a using) to text/latex outputs. The
// formatting package the engine uses predates their move into it, so they are written here,
// under the namespace notebooks of that time saw. Each names its formatter by attribute, so
// Formatter.ResetToDefault() in a cell keeps them.
using Microsoft.DotNet.Interactive.Formatting;

namespace Microsoft.DotNet.Interactive.Jupyter.Formatting;

/// <summary>LaTeX source shown as text/latex (front ends render it with MathJax or KaTeX).</summary>
[TypeFormatterSource(typeof(LaTeXFormatterSource), PreferredMimeTypes = new[] { LaTeXFormatterSource.MimeType })]
public class LaTeXString
{
    readonly string latexCode;
    public LaTeXString(string latexCode) => this.latexCode = latexCode ?? throw new ArgumentNullException(nameof(latexCode));
    public static implicit operator LaTeXString(string source) => new(source);
    public override string ToString() => latexCode;
}

/// <summary>A formula shown as display math: the text wrapped in $$ … $$ unless it already is.</summary>
[TypeFormatterSource(typeof(LaTeXFormatterSource), PreferredMimeTypes = new[] { LaTeXFormatterSource.MimeType })]
public class MathString
{
    readonly string math;

    public MathString(string latexCode)
    {
        ArgumentNullException.ThrowIfNull(latexCode);
        math = (latexCode.StartsWith("$$") ? "" : "$$") + latexCode + (latexCode.EndsWith("$$") ? "" : "$$");
    }

    public static implicit operator MathString(string source) => new(source);
    public override string ToString() => math;
}

sealed class LaTeXFormatterSource : ITypeFormatterSource
{
    public const string MimeType = "text/latex";

    public IEnumerable<ITypeFormatter> CreateTypeFormatters()
    {
        yield return new Source<LaTeXString>(MimeType);
        yield return new Source<LaTeXString>("text/plain");
        yield return new Source<MathString>(MimeType);
        yield return new Source<MathString>("text/plain");
    }

    sealed class Source<T>(string mimeType) : TypeFormatter<T>
    {
        public override string MimeType => mimeType;

        public override bool Format(T value, FormatContext context)
        {
            context.Writer.Write(value?.ToString());
            return true;
        }
    }
}

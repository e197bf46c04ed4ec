// Maps values to MIME bundles through .NET Interactive's own formatting package
// (Microsoft.DotNet.Interactive.Formatting), so notebooks written for it see what it showed:
// the formatters they register (Formatter.Register), the MIME types they prefer
// (Formatter.SetPreferredMimeTypesFor), its property tables for objects, records, anonymous
// types, exceptions and sequences of them, PocketView and HTML() as HTML, LaTeX as text/latex.
// The engine's own formats (PNG figures, tensors, dictionary and grid tables) stay in Formatters.
using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive.Formatting;

namespace Attend.Notebooks.Engine;

public static class InteractiveFormatting
{
    public const string PlainText = "text/plain";
    const string Html = "text/html";

    /// <summary>Elements of a sequence looked at to decide whether it shows as a table.</summary>
    const int ElementsProbed = 20;

    /// <summary>The value in <paramref name="mimeTypes"/> (its preferred ones when empty), each
    /// written by the package's formatter for that type; text/plain is always added, so plain
    /// front ends and GitHub still show something readable.</summary>
    public static MimeBundle Format(object? value, IReadOnlyCollection<string>? mimeTypes = null)
    {
        if (mimeTypes is not { Count: > 0 }) mimeTypes = Formatter.GetPreferredMimeTypesFor(value?.GetType() ?? typeof(object));
        var bundle = new MimeBundle();
        foreach (var mime in mimeTypes.Append(PlainText).Distinct()) bundle[mime] = value.ToDisplayString(mime);
        return bundle;
    }

    /// <summary>True when the notebook changed how values of <paramref name="type"/> show: it
    /// registered a formatter for it (or a base type, an interface, its generic definition), or
    /// set MIME types other than the package's default for it.</summary>
    public static bool Customised(Type type)
    {
        if (Formatter.RegisteredFormatters(false).Any(f => Applies(f.Type, type))) return true;
        var preferred = Formatter.GetPreferredMimeTypesFor(type);
        return type != typeof(string) && !(preferred.Count == 1 && preferred.Contains(Html));
    }

    static bool Applies(Type formatted, Type type)
        => formatted.IsAssignableFrom(type) || (type.IsGenericType && type.GetGenericTypeDefinition() == formatted);

    /// <summary>True for what .NET Interactive shows by its own formatters and this engine would
    /// otherwise show only by name: HTML content (PocketView, HTML()), exceptions, records,
    /// anonymous types, objects without their own ToString, and sequences of any of these.
    /// A type with its own ToString (TimeSpan, a tensor, a library's settings) keeps showing as
    /// that text, as do primitives, strings and sequences of them.</summary>
    public static bool ShowsAsTable(object value)
    {
        var type = value.GetType();
        if (value is IHtmlContent or Exception) return true;
        if (type.IsPrimitive || type.IsEnum || type.IsPointer || value is string or decimal or Delegate or MemberInfo) return false;
        if (value is IEnumerable sequence)
            return !OwnToString(type) && sequence.Cast<object?>().Take(ElementsProbed).Any(e => e != null && ShowsAsTable(e));
        return IsRecord(type) || IsAnonymous(type) || !OwnToString(type);
    }

    static bool OwnToString(Type type) => type.GetMethod("ToString", Type.EmptyTypes)?.DeclaringType is { } t && t != typeof(object)
                                          && t != typeof(ValueType);

    /// <summary>Records print their members through a compiler-written PrintMembers.</summary>
    static bool IsRecord(Type type)
        => type.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, new[] { typeof(StringBuilder) })
           is not null;

    static bool IsAnonymous(Type type) => type.IsDefined(typeof(CompilerGeneratedAttribute)) && type.Name.Contains("AnonymousType");
}

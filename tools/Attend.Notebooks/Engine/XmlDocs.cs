// Maps an assembly's XML documentation file to the doc comments Roslyn asks for by member
// id. Roslyn's own XmlDocumentationProvider lives in the Workspaces package, which the
// engine does not otherwise need; this is the few lines of it that inspection uses.
using System.Globalization;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace Attend.Notebooks.Engine;

public sealed class XmlDocs(string path) : DocumentationProvider
{
    readonly string path = path;
    readonly Lazy<Dictionary<string, string>> members = new(() => Load(path));

    static Dictionary<string, string> Load(string path)
    {
        try
        {
            return XDocument.Load(path).Descendants("member")
                .Where(m => m.Attribute("name") != null)
                .GroupBy(m => m.Attribute("name")!.Value)
                .ToDictionary(g => g.Key, g => g.First().ToString());
        }
        catch (Exception e) when (e is System.Xml.XmlException or IOException) { return new(); }   // docs are a nicety: a bad file just means none
    }

    protected override string? GetDocumentationForSymbol(string documentationMemberID, CultureInfo preferredCulture,
        CancellationToken cancellationToken = default)
        => members.Value.TryGetValue(documentationMemberID, out var xml) ? xml : null;

    public override bool Equals(object? obj) => obj is XmlDocs o && o.path == path;
    public override int GetHashCode() => path.GetHashCode();
}

// Maps what a running cell produces (console text, displays, display updates) to wherever
// the front end keeps it: the runner's notebook outputs or the kernel's IOPub messages.
namespace Attend.Notebooks.Engine;

/// <summary>A MIME bundle: MIME type → text (image/png as base64, JSON types as JSON text: MimeJson).</summary>
public sealed class MimeBundle : Dictionary<string, string>
{
    public MimeBundle() : base(StringComparer.Ordinal) { }
}

public interface IOutputSink
{
    void Stream(string name, string text);
    void Display(MimeBundle data, string? displayId, bool isUpdate);
    void ClearOutput(bool wait);
}

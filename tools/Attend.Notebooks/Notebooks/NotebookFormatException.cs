// Maps a defect in a notebook file to an error naming the file and the place.
namespace Attend.Notebooks.Notebooks;

public sealed class NotebookFormatException(string file, string where, string problem)
    : Exception($"{file}: {where}: {problem}")
{
    public string File { get; } = file;
    public string Where { get; } = where;
}

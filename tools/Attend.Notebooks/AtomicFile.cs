// Maps a path and its new contents to a write through a temporary file and a rename, so an
// interrupted write never leaves a half-written notebook or kernelspec. (The engine references
// no library code by design, so it keeps this small copy of lib/Attend/Data/AtomicFile.)
namespace Attend.Notebooks;

public static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, full, overwrite: true);
        }
        finally { if (File.Exists(tmp)) File.Delete(tmp); }
    }
}

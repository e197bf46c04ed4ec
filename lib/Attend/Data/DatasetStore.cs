// Maps a data set's declared files (name + SHA-256) to verified local paths under data/,
// fetching what is missing from the data set's sources in order.
using System.Security.Cryptography;

namespace Attend.Data;

/// <summary>One file of a data set as the store keeps it, with its SHA-256 and size.</summary>
public sealed record DataFile(string Name, string Sha256, long Size);

/// <summary>A data set: its files, where they can come from (tried in order), and what a
/// user can do by hand when no source works.</summary>
public sealed record DatasetSpec(string Name, IReadOnlyList<DataFile> Files, IReadOnlyList<IDataSource> Sources, string ManualHelp);

/// <summary>A way to obtain data files: writes each requested file, as the store keeps it,
/// into the staging folder under its <see cref="DataFile.Name"/>. Throws to report failure.</summary>
public interface IDataSource
{
    string Description { get; }
    void Fetch(IReadOnlyList<DataFile> files, string stagingDir, Action<string> log);
}

/// <summary>Raised when a data set cannot be made available; the message lists every
/// source tried and how to supply the files by hand.</summary>
public sealed class DatasetUnavailableException(string message) : Exception(message);

public sealed class DatasetStore
{
    public const string EnvironmentVariable = "ATTEND_DATA";
    public string Root { get; }
    readonly Action<string> log;

    public DatasetStore(string root, Action<string>? log = null)
    {
        Root = Path.GetFullPath(root);
        this.log = log ?? (m => Console.Error.WriteLine(m));
    }

    /// <summary>The store at ATTEND_DATA, else the repository's data/ folder (found by walking up
    /// from the working directory and the program's folder), else ~/.cache/attend-notebooks/data.</summary>
    public static DatasetStore Default(Action<string>? log = null)
    {
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return new DatasetStore(env, log);
        if (Runtime.RepoPaths.Root(Environment.CurrentDirectory, AppContext.BaseDirectory) is { } repo
            && File.Exists(Path.Combine(repo, "data", "README.md")))
            return new DatasetStore(Path.Combine(repo, "data"), log);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new DatasetStore(Path.Combine(home, ".cache", "attend-notebooks", "data"), log);
    }

    public string PathOf(DatasetSpec spec, DataFile file) => Path.Combine(Root, spec.Name, file.Name);

    /// <summary>True when every file is present and matches its checksum (fetches nothing).</summary>
    public bool IsAvailable(DatasetSpec spec) => spec.Files.All(f => File.Exists(PathOf(spec, f)) && Matches(PathOf(spec, f), f));

    /// <summary>Makes every file of the data set present and verified; returns name → path.
    /// Verified files are never fetched again. A present file with the wrong checksum is an
    /// error (it is left alone for the user to inspect); fetched files that fail verification
    /// are deleted and the next source is tried.</summary>
    public IReadOnlyDictionary<string, string> Ensure(DatasetSpec spec)
    {
        var missing = new List<DataFile>();
        foreach (var f in spec.Files)
        {
            string p = PathOf(spec, f);
            if (!File.Exists(p)) { missing.Add(f); continue; }
            if (!Matches(p, f))
                throw new InvalidDataException(
                    $"{p}: checksum mismatch (expected SHA-256 {f.Sha256}, size {f.Size}; found {Sha256Of(p)}, size {new FileInfo(p).Length}). " +
                    "The file is corrupt or a different version; delete it and run again to fetch it.");
        }
        var attempts = new List<string>();
        foreach (var source in spec.Sources)
        {
            if (missing.Count == 0) break;
            string staging = Path.Combine(Root, spec.Name, $".staging-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(staging);
                log($"[{spec.Name}] fetching {string.Join(", ", missing.Select(m => m.Name))} from {source.Description}");
                source.Fetch(missing, staging, log);
                var problems = new List<string>();
                foreach (var f in missing.ToList())
                {
                    string staged = Path.Combine(staging, f.Name);
                    if (!File.Exists(staged)) { problems.Add($"{f.Name} not produced"); continue; }
                    if (!Matches(staged, f)) { problems.Add($"{f.Name} checksum mismatch (got {Sha256Of(staged)})"); continue; }
                    File.Move(staged, PathOf(spec, f), overwrite: false);
                    missing.Remove(f);
                    log($"[{spec.Name}] {f.Name} verified");
                }
                if (problems.Count > 0) attempts.Add($"{source.Description}: {string.Join("; ", problems)}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                attempts.Add($"{source.Description}: {e.Message.Split('\n')[0]}");
            }
            finally
            {
                AtomicFile.TryDelete(staging);
            }
        }
        if (missing.Count > 0)
            throw new DatasetUnavailableException(
                $"Data set '{spec.Name}' is unavailable: missing {string.Join(", ", missing.Select(m => m.Name))}.\n" +
                "Tried:\n" + string.Join("\n", attempts.Select(a => "  - " + a)) + "\n" +
                $"To supply the files by hand, put them in {Path.Combine(Root, spec.Name)} with these SHA-256 sums:\n" +
                string.Join("\n", missing.Select(m => $"  {m.Sha256}  {m.Name} ({m.Size} bytes)")) + "\n" + spec.ManualHelp);
        return spec.Files.ToDictionary(f => f.Name, f => PathOf(spec, f));
    }

    static bool Matches(string path, DataFile f)
        => new FileInfo(path).Length == f.Size && string.Equals(Sha256Of(path), f.Sha256, StringComparison.OrdinalIgnoreCase);

    public static string Sha256Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}

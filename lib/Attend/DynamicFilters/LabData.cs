// Maps the lab's data to 32×32×3 tensors: CIFAR-10 when its binary batches are in the data
// store (or a folder given), otherwise Fashion-MNIST padded to 32×32 and repeated over three
// channels, labelled as the fallback in its description; plus the lab's augmentation.
using Attend.Data;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.DynamicFilters;

public sealed record LabDataset(ImageSet Train, ImageSet Test, string[] ClassNames, bool IsFallback);

public static class LabData
{
    public const string FallbackNote = "FALLBACK: Fashion-MNIST padded to 32×32×3 (CIFAR-10 not available)";

    /// <param name="cifarFolder">a folder with CIFAR-10's data_batch_1…5.bin and test_batch.bin; default: the data store's cifar-10 folder.</param>
    /// <param name="store">the data store Fashion-MNIST comes from (default: <see cref="DatasetStore.Default"/>).</param>
    public static LabDataset Load(string? cifarFolder = null, DatasetStore? store = null)
    {
        store ??= DatasetStore.Default();
        string folder = cifarFolder ?? Path.Combine(store.Root, "cifar-10");
        if (Directory.Exists(folder) && File.Exists(Path.Combine(folder, "test_batch.bin")))
        {
            var (train, test) = Cifar10.LoadFolder(folder);
            return new LabDataset(train, test, Cifar10.ClassNames, false);
        }
        var (ftrain, ftest) = FashionMnist.Load(store);
        return new LabDataset(AsRgb32(ftrain), AsRgb32(ftest), FashionMnist.ClassNames, true);
    }

    /// <summary>[N, 1, 28, 28] → [N, 3, 32, 32]: zero padding of 2, the grey value in every channel.</summary>
    public static ImageSet AsRgb32(ImageSet gray)
    {
        Shapes.Require(gray.Images, "grey images", -1, 1, 28, 28);
        // A view repeating the one grey channel: batches are copied out with index_select, so the set stays at one channel in memory.
        var images = F.pad(gray.Images, new long[] { 2, 2, 2, 2 }).expand(-1, 3, -1, -1);
        return new ImageSet(images, gray.Labels, $"{gray.Description}; {FallbackNote}");
    }

    /// <summary>The lab's augmentation: random crop of 32×32 from the image zero-padded by 4, and a
    /// horizontal flip with probability ½; drawn from <paramref name="g"/>.</summary>
    public static Tensor Augment(Tensor batch, Generator g, int padding = 4)
    {
        using var scope = NewDisposeScope();
        long n = batch.shape[0];
        long h = batch.shape[2];
        long w = batch.shape[3];
        var padded = F.pad(batch, new long[] { padding, padding, padding, padding });
        var offsets = randint(0, 2 * padding + 1, new long[] { n, 2 }, generator: g).data<long>().ToArray();
        var flips = rand(n, generator: g).lt(0.5).data<bool>().ToArray();
        var crops = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            var c = padded[i].narrow(1, offsets[2 * i], h).narrow(2, offsets[2 * i + 1], w);
            crops[i] = flips[i] ? c.flip(2) : c;
        }
        return stack(crops).MoveToOuterDisposeScope();
    }
}

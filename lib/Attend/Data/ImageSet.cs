// Maps a labelled image collection to tensors: images [N, C, H, W] in [0, 1], labels [N] (int64),
// with a line saying where the data came from.
using static TorchSharp.torch;

namespace Attend.Data;

public sealed class ImageSet(Tensor images, Tensor labels, string description) : IDisposable
{
    public Tensor Images { get; } = images;
    public Tensor Labels { get; } = labels;
    public string Description { get; } = description;
    public long Count => Images.shape[0];

    /// <summary>The images of one class, [n, C, H, W].</summary>
    public Tensor OfClass(long label) => Images.index(Labels.eq(label));

    /// <summary>A random subset of <paramref name="count"/> images drawn with <paramref name="seed"/>; the whole set
    /// when count ≤ 0 or ≥ Count. Random, not the first n: the stored sets are ordered by class.</summary>
    public ImageSet RandomSubset(int count, ulong seed)
    {
        if (count <= 0 || count >= Count) return this;
        using var g = new Generator(seed);
        using var pick = randperm(Count, generator: g).narrow(0, 0, count);
        return new ImageSet(Images.index_select(0, pick), Labels.index_select(0, pick), Description + $" (random {count})");
    }

    public void Dispose() { Images.Dispose(); Labels.Dispose(); }
    public override string ToString() => $"{Description}: {Count} images {string.Join("×", Images.shape.Skip(1))}";
}

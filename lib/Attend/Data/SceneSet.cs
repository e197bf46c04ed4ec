// Maps any multi-object image set to one shape the attention models read: images with ground-
// truth boxes and per-object labels (Multi-MNIST digits, synthetic shapes, CLEVR, COCO).
using static TorchSharp.torch;

namespace Attend.Data;

/// <summary>Images [N, C, H, W] in [0, 1], counts [N], boxes [N, K, 4] (x0, y0, x1, y1 in pixel edge
/// coordinates; zeros past the count), labels [N, K] (−1 past the count).</summary>
public interface IScenes
{
    Tensor Images { get; }
    Tensor Counts { get; }
    Tensor Boxes { get; }
    Tensor Labels { get; }
    long Count { get; }
}

/// <summary>Scenes with named labels and optional extra attributes [N, K, A] (−1 past the count),
/// e.g. the synthetic shapes' (shape, colour, size).</summary>
public sealed class SceneSet(Tensor images, Tensor counts, Tensor boxes, Tensor labels, IReadOnlyList<string> labelNames,
                             Tensor? attributes = null, IReadOnlyList<string>? attributeNames = null, string description = "") : IScenes, IDisposable
{
    public Tensor Images { get; } = images;
    public Tensor Counts { get; } = counts;
    public Tensor Boxes { get; } = boxes;
    public Tensor Labels { get; } = labels;
    public IReadOnlyList<string> LabelNames { get; } = labelNames;
    public Tensor? Attributes { get; } = attributes;
    public IReadOnlyList<string> AttributeNames { get; } = attributeNames ?? Array.Empty<string>();
    public string Description { get; } = description;
    public long Count => Images.shape[0];
    public int MaxObjects => (int)Boxes.shape[1];
    public override string ToString() => $"{Description}: {Count} scenes of {string.Join("×", Images.shape.Skip(1))}, up to {MaxObjects} objects";

    /// <summary>The share of all objects whose value of attribute <paramref name="name"/> no other object of the same scene
    /// has: how often that attribute alone tells an object apart from the rest of its scene.</summary>
    public double UniqueInScene(string name)
    {
        int a = AttributeNames.ToList().IndexOf(name);
        if (Attributes is null || a < 0)
            throw new ArgumentException($"these scenes have no attribute '{name}' (they have: {string.Join(", ", AttributeNames)})");
        var values = Attributes.select(2, a).data<long>().ToArray();
        var counts = Counts.data<long>().ToArray();
        int k = MaxObjects;
        long objects = 0;
        long unique = 0;
        for (int i = 0; i < counts.Length; i++)
            for (int j = 0; j < counts[i]; j++)
            {
                objects++;
                if (Enumerable.Range(0, (int)counts[i]).Count(o => values[i * k + o] == values[i * k + j]) == 1) unique++;
            }
        return objects == 0 ? double.NaN : (double)unique / objects;
    }

    public void Dispose() { Images.Dispose(); Counts.Dispose(); Boxes.Dispose(); Labels.Dispose(); Attributes?.Dispose(); }
}

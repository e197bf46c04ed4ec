// Maps a tensor and the shape an operation expects to a clear error when they differ.
using static TorchSharp.torch;

namespace Attend;

internal static class Shapes
{
    /// <summary>Throws an ArgumentException naming <paramref name="what"/> unless the tensor has
    /// exactly these dimensions (−1 = any size).</summary>
    public static void Require(Tensor t, string what, params long[] dims)
    {
        bool ok = t.dim() == dims.Length;
        for (int i = 0; ok && i < dims.Length; i++) ok = dims[i] < 0 || t.shape[i] == dims[i];
        if (!ok)
            throw new ArgumentException(
                $"{what}: expected shape [{string.Join(", ", dims.Select(d => d < 0 ? "*" : d.ToString()))}], got [{string.Join(", ", t.shape)}]");
    }
}

// Maps a labelled image set with one object per image to the object's outline too: the four corners of
// its (possibly rotated) box, for explicit localisation.
using static TorchSharp.torch;

namespace Attend.Data;

/// <summary>Images with labels (Set) and each object's box corners [N, 4, 2] (x, y in pixel edge coordinates,
/// in order around the box: the object's own top-left, top-right, bottom-right, bottom-left).</summary>
public sealed class LocatedImages(ImageSet set, Tensor corners) : IDisposable
{
    public ImageSet Set { get; } = set;
    public Tensor Corners { get; } = corners;
    public long Count => Set.Count;
    public int Canvas => (int)Set.Images.shape[3];
    public void Dispose() { Set.Dispose(); Corners.Dispose(); }
    public override string ToString() => $"{Set} with box corners";
}

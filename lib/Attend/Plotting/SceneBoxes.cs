// Maps scenes' ground-truth boxes and predicted positions q = (μx, μy, σx, σy) to the boxes an
// image grid draws: one list per image.
using Attend.Data;
using static TorchSharp.torch;

namespace Attend.Plotting;

public static class SceneBoxes
{
    /// <summary>Ground-truth boxes of the scenes at <paramref name="indices"/>.</summary>
    public static List<IReadOnlyList<Box>> Truth(IScenes scenes, IEnumerable<long> indices, string colour = "#30c030")
        => indices.Select(i => (IReadOnlyList<Box>)Enumerable.Range(0, (int)scenes.Counts[i].item<long>()).Select(k =>
        {
            var b = scenes.Boxes[i, k].data<float>().ToArray();
            return new Box(b[0], b[1], b[2], b[3], colour);
        }).ToList()).ToList();

    /// <summary>The window a position q covers on a canvas: centre (μ+1)/2·S, half-size σ·S/2
    /// (the glimpse θ = [[σx, 0, μx], [0, σy, μy]] maps the window's ±1 there).</summary>
    public static Box FromPosition(ReadOnlySpan<float> q, int canvas, string colour)
    {
        float cx = (q[0] + 1) / 2 * canvas;
        float cy = (q[1] + 1) / 2 * canvas;
        float hx = q[2] * canvas / 2;
        float hy = q[3] * canvas / 2;
        return new Box(cx - hx, cy - hy, cx + hx, cy + hy, colour);
    }

    /// <summary>Positions [N, 4] → one box per image.</summary>
    public static List<IReadOnlyList<Box>> FromPositions(Tensor q, int canvas, string colour = "#ff3030")
    {
        var v = q.detach().cpu().data<float>().ToArray();
        return Enumerable.Range(0, (int)q.shape[0])
                         .Select(i => (IReadOnlyList<Box>)new List<Box> { FromPosition(v.AsSpan(i * 4, 4), canvas, colour) })
                         .ToList();
    }

    /// <summary>Per image, the union of several box lists (e.g. truth and prediction).</summary>
    public static List<IReadOnlyList<Box>> Merge(params List<IReadOnlyList<Box>>[] lists)
        => Enumerable.Range(0, lists.Max(l => l.Count))
                     .Select(i => (IReadOnlyList<Box>)lists.SelectMany(l => i < l.Count ? l[i] : Array.Empty<Box>()).ToList())
                     .ToList();

    /// <summary>Quadrilaterals [N, 4, 2] (corners in pixel edge coordinates) → one outline per image.</summary>
    public static List<IReadOnlyList<Outline>> Outlines(Tensor corners, string colour = "#ff3030")
    {
        if (corners.dim() != 3 || corners.shape[2] != 2)
            throw new ArgumentException($"corners: expected [N, K, 2], got [{string.Join(", ", corners.shape)}]");
        var v = corners.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        int k = (int)corners.shape[1];
        return Enumerable.Range(0, (int)corners.shape[0])
                         .Select(i => (IReadOnlyList<Outline>)new List<Outline>
                         {
                             new(Enumerable.Range(0, k).Select(j => (v[(i * k + j) * 2], v[(i * k + j) * 2 + 1])).ToList(), colour),
                         })
                         .ToList();
    }
}

// Maps quadrilaterals (four corners each, the 8 numbers an explicit localisation layer predicts) to how
// well two of them overlap: the intersection over union of the areas they cover, measured on a fine grid
// of sample points (a quadrilateral may be rotated, or self-intersecting when predicted badly; the
// even-odd rule decides what it covers, as in filling a polygon).
using static TorchSharp.torch;

namespace Attend.Boxes;

public static class Quadrilaterals
{
    /// <summary>IoU [B] of quadrilaterals a and b [B, 4, 2] (corners in order around the shape, pixel coordinates)
    /// over the square [0, canvas]², sampled at (canvas·<paramref name="samplesPerPixel"/>)² points. Two empty
    /// shapes have IoU 0.</summary>
    public static Tensor Iou(Tensor a, Tensor b, int canvas, int samplesPerPixel = 4)
    {
        Shapes.Require(a, "quadrilaterals a [B, 4, 2]", -1, 4, 2);
        Shapes.Require(b, "quadrilaterals b [B, 4, 2]", a.shape[0], 4, 2);
        if (canvas < 1 || samplesPerPixel < 1) throw new ArgumentException($"need canvas ≥ 1 and samples ≥ 1, got {canvas}, {samplesPerPixel}");
        using var _ = NewDisposeScope();
        long n = (long)canvas * samplesPerPixel;
        var axis = (arange(n, dtype: ScalarType.Float64) + 0.5) / samplesPerPixel;
        var points = stack(new[] { axis.view(1, n).expand(n, n), axis.view(n, 1).expand(n, n) }, 2).reshape(1, n * n, 2);
        var inA = Covers(a.to_type(ScalarType.Float64).cpu(), points);
        var inB = Covers(b.to_type(ScalarType.Float64).cpu(), points);
        var intersection = inA.logical_and(inB).sum(1).to_type(ScalarType.Float64);
        var union = inA.logical_or(inB).sum(1).to_type(ScalarType.Float64);
        return (intersection / union.clamp_min(1)).MoveToOuterDisposeScope();
    }

    /// <summary>Whether points lie inside polygons [B, K, 2] (even-odd rule): points [1, P, 2] (the same points for
    /// every polygon) or [B, P, 2] (each polygon its own) → [B, P].</summary>
    public static Tensor Covers(Tensor polygons, Tensor points)
    {
        Shapes.Require(polygons, "polygons [B, K, 2]", -1, -1, 2);
        Shapes.Require(points, "points [1 or B, P, 2]", -1, -1, 2);
        if (points.shape[0] != 1 && points.shape[0] != polygons.shape[0])
            throw new ArgumentException($"points: expected a batch of 1 or {polygons.shape[0]}, got {points.shape[0]}");
        using var _ = NewDisposeScope();
        var x = points[.., .., 0];
        var y = points[.., .., 1];
        var inside = zeros(new[] { polygons.shape[0], points.shape[1] }, ScalarType.Bool);
        long k = polygons.shape[1];
        for (long i = 0; i < k; i++)
        {
            // Edge from corner j to corner i: a ray to the right of the point crosses it once if the point's y lies
            // between the ends' (half-open, so a shared corner counts once) and the crossing is right of the point.
            long j = (i + k - 1) % k;
            var xi = polygons[.., i, 0].unsqueeze(1);
            var yi = polygons[.., i, 1].unsqueeze(1);
            var xj = polygons[.., j, 0].unsqueeze(1);
            var yj = polygons[.., j, 1].unsqueeze(1);
            var straddles = yi.gt(y).logical_xor(yj.gt(y));
            var crossing = (xj - xi) * (y - yi) / (yj - yi).where(yj.ne(yi), ones_like(yi)) + xi;
            inside.logical_xor_(straddles.logical_and(x.lt(crossing)));
        }
        return inside.MoveToOuterDisposeScope();
    }

    /// <summary>The centre of each quadrilateral [B, 4, 2] as the mean of its corners: [B, 2].</summary>
    public static Tensor Centre(Tensor quadrilaterals)
    {
        Shapes.Require(quadrilaterals, "quadrilaterals [B, 4, 2]", -1, 4, 2);
        return quadrilaterals.mean(new long[] { 1 });
    }
}

// Maps a window's centre and spread to a constrained attention map over a grid of cells: the attention
// lecture's pre-defined window functions. A Gaussian (smooth, infinite support), a bump function
// (smooth, compact support: exp(1 − 1/(1 − r²)) inside |r| < 1, zero outside) and a box (a hard window:
// its gradient with respect to the centre and the spread is zero almost everywhere). Each is separable,
// f(x)·f(y), and scaled so that its standard deviation along each axis is the given spread s: the three
// shapes then cover comparable areas.
using static TorchSharp.torch;

namespace Attend.SoftAttention;

public enum WindowShape
{
    Gaussian,
    Bump,
    Box,
}

public static class WindowFunctions
{
    /// <summary>The box's half-width in units of its standard deviation: a uniform window on [−a, a] has σ = a/√3.</summary>
    public static readonly double BoxHalfWidth = Math.Sqrt(3);

    /// <summary>The bump's support radius in units of its standard deviation (computed once by quadrature).</summary>
    public static readonly double BumpRadius = 1 / UnitBumpDeviation();

    /// <summary>The 1-D profile at offsets <paramref name="d"/> measured in standard deviations: Gaussian exp(−d²/2),
    /// bump exp(1 − 1/(1 − r²)) with r = d / BumpRadius (zero for |r| ≥ 1, with a zero gradient there),
    /// box 1 for |d| ≤ √3 and 0 elsewhere (no gradient). Each profile is 1 at d = 0.</summary>
    public static Tensor Profile(WindowShape shape, Tensor d)
    {
        using var _ = NewDisposeScope();
        Tensor p = shape switch
        {
            WindowShape.Gaussian => exp(-d.pow(2) / 2),
            WindowShape.Bump => Bump(d / BumpRadius),
            WindowShape.Box => d.detach().abs().le(BoxHalfWidth).to_type(d.dtype),
            _ => throw new ArgumentException($"unknown window shape {shape}"),
        };
        return p.MoveToOuterDisposeScope();
    }

    /// <summary>Window maps [B, h, w] over an h×w grid of cells in normalised coordinates (cell centres at
    /// (2i + 1)/n − 1): centre [B, 2] (x, y), spread [B] (the standard deviation along each axis, normalised
    /// units). Not normalised: 1 at the centre.</summary>
    public static Tensor Map(WindowShape shape, Tensor centre, Tensor spread, long h, long w)
    {
        Shapes.Require(centre, "window centre [B, 2]", -1, 2);
        Shapes.Require(spread, "window spread [B]", centre.shape[0]);
        using var _ = NewDisposeScope();
        var xs = Spatial.PixelCentres.Axis(w, centre.dtype, centre.device).view(1, w);
        var ys = Spatial.PixelCentres.Axis(h, centre.dtype, centre.device).view(1, h);
        var s = spread.view(-1, 1);
        var fx = Profile(shape, (xs - centre[.., 0].view(-1, 1)) / s);   // [B, w]
        var fy = Profile(shape, (ys - centre[.., 1].view(-1, 1)) / s);   // [B, h]
        return (fy.unsqueeze(2) * fx.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>Maps [B, h, w] scaled to sum 1 per map (attention weights); a map that is zero everywhere
    /// (a box that missed every cell) becomes uniform, so pooling still returns a mean.</summary>
    public static Tensor Normalise(Tensor maps)
    {
        Shapes.Require(maps, "window maps [B, h, w]", -1, -1, -1);
        using var _ = NewDisposeScope();
        var total = maps.sum(new long[] { 1, 2 }, keepdim: true);
        var empty = total.le(0).to_type(maps.dtype);
        var uniform = ones_like(maps) / (maps.shape[1] * maps.shape[2]);
        return (maps / total.clamp_min(1e-30) * (1 - empty) + uniform * empty).MoveToOuterDisposeScope();
    }

    static Tensor Bump(Tensor r)
    {
        using var _ = NewDisposeScope();
        var r2 = r.pow(2);
        var inside = r2.lt(1).to_type(r.dtype);
        // Clamped below 1 so that outside the support the formula stays finite and its gradient is zero.
        var safe = r2.clamp_max(1 - 1e-6);
        return (inside * exp(1 - 1 / (1 - safe))).MoveToOuterDisposeScope();
    }

    static double UnitBumpDeviation()
    {
        const int n = 200_000;
        double mass = 0;
        double second = 0;
        for (int i = 0; i < n; i++)
        {
            double r = -1 + (i + 0.5) * 2.0 / n;
            double v = Math.Exp(1 - 1 / (1 - r * r));
            mass += v;
            second += r * r * v;
        }
        return Math.Sqrt(second / mass);
    }
}

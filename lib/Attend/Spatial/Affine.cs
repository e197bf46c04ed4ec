// Maps attention parameters to 2×3 affine matrices θ (window → image coordinates,
// normalised to [-1, 1]) as affine_grid expects, and inverts them.
using static TorchSharp.torch;

namespace Attend.Spatial;

public static class Affine
{
    /// <summary>The NoP design's position (x, y, σx, σy), shape [B, 4], to
    /// θ = [[σx, 0, x], [0, σy, y]], shape [B, 2, 3].</summary>
    public static Tensor FromPosition(Tensor position)
    {
        Shapes.Require(position, "position (x, y, σx, σy)", -1, 4);
        using var _ = NewDisposeScope();
        var x = position[.., 0];
        var y = position[.., 1];
        var sx = position[.., 2];
        var sy = position[.., 3];
        var zero = zeros_like(x);
        return stack(new[] { sx, zero, x, zero, sy, y }, 1).view(-1, 2, 3).MoveToOuterDisposeScope();
    }

    /// <summary>Inverse of a batch of affine maps [B, 2, 3]: [A⁻¹, −A⁻¹t]. Closed form for 2×2,
    /// differentiable; throws when a matrix is singular.</summary>
    public static Tensor Invert(Tensor theta)
    {
        Shapes.Require(theta, "theta", -1, 2, 3);
        using var _ = NewDisposeScope();
        var a = theta[.., 0, 0];
        var b = theta[.., 0, 1];
        var tx = theta[.., 0, 2];
        var c = theta[.., 1, 0];
        var d = theta[.., 1, 1];
        var ty = theta[.., 1, 2];
        var det = a * d - b * c;
        if (det.abs().min().to_type(ScalarType.Float64).item<double>() < 1e-12)
            throw new ArgumentException("theta: cannot invert a singular affine map (determinant 0)");
        var ia = d / det;
        var ib = -b / det;
        var ic = -c / det;
        var id = a / det;
        var itx = -(ia * tx + ib * ty);
        var ity = -(ic * tx + id * ty);
        return stack(new[] { ia, ib, itx, ic, id, ity }, 1).view(-1, 2, 3).MoveToOuterDisposeScope();
    }

    /// <summary>Applies θ to points [B, P, 2] (x, y) in normalised coordinates.</summary>
    public static Tensor Apply(Tensor theta, Tensor points)
    {
        Shapes.Require(theta, "theta", -1, 2, 3);
        Shapes.Require(points, "points", -1, -1, 2);
        using var _ = NewDisposeScope();
        var linear = theta[.., .., ..2];            // [B, 2, 2]
        var t = theta[.., .., 2].unsqueeze(1);      // [B, 1, 2]
        return (matmul(points, linear.transpose(1, 2)) + t).MoveToOuterDisposeScope();
    }
}

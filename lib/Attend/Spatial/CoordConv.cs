// Maps a feature tensor to the same tensor with two CoordConv channels appended:
// x (along the width) and y (along the height), each in [-1, 1].
using static TorchSharp.torch;

namespace Attend.Spatial;

public static class CoordConv
{
    /// <summary>[B, 2, H, W]: channel 0 is x = −1 … 1 across the width, channel 1 is
    /// y = −1 … 1 down the height (0 for a single row or column). Works for H ≠ W.</summary>
    public static Tensor Channels(long batch, long height, long width, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        if (batch < 1 || height < 1 || width < 1)
            throw new ArgumentException($"CoordConv needs positive sizes, got batch {batch}, {height}×{width}");
        using var _ = NewDisposeScope();
        var xs = Axis(width, device, dtype).view(1, 1, 1, width).expand(batch, 1, height, width);
        var ys = Axis(height, device, dtype).view(1, 1, height, 1).expand(batch, 1, height, width);
        return cat(new[] { xs, ys }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Features [B, C, H, W] → [B, C + 2, H, W] with x, y channels appended last.</summary>
    public static Tensor Append(Tensor features)
    {
        Shapes.Require(features, "features", -1, -1, -1, -1);
        using var _ = NewDisposeScope();
        var coords = Channels(features.shape[0], features.shape[2], features.shape[3], features.device, features.dtype);
        return cat(new[] { features, coords }, 1).MoveToOuterDisposeScope();
    }

    static Tensor Axis(long n, Device? device, ScalarType dtype)
        => n == 1 ? zeros(1, dtype: dtype, device: device) : linspace(-1, 1, n, dtype: dtype, device: device);
}

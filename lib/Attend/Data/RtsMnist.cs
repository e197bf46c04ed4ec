// Maps MNIST digits to the spatial transformer paper's rotated-translated-scaled (RTS)
// MNIST: each 28×28 digit rotated by U(−45°, 45°), scaled by U(0.7, 1.2) and placed at a
// random position on a 42×42 canvas (Jaderberg et al., 2015, section 4.1).
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Data;

/// <summary>Per-image distortion: angle (radians) [N], scale [N], translation [N, 2] of the
/// digit's centre in the canvas's normalised coordinates (−1…1, x then y).</summary>
public sealed class RtsDistortion(Tensor angle, Tensor scale, Tensor translation) : IDisposable
{
    public Tensor Angle { get; } = angle;
    public Tensor Scale { get; } = scale;
    public Tensor Translation { get; } = translation;
    public void Dispose() { Angle.Dispose(); Scale.Dispose(); Translation.Dispose(); }
}

public static class RtsMnist
{
    public const int CanvasSize = 42;
    public const double MaxAngleDegrees = 45;
    public const double MinScale = 0.7;
    public const double MaxScale = 1.2;

    /// <summary>Draws distortions for <paramref name="count"/> digits of <paramref name="digitSize"/>
    /// pixels: the translation keeps the scaled digit's square inside the canvas.</summary>
    public static RtsDistortion Sample(long count, long seed, int digitSize = 28, int canvasSize = CanvasSize)
    {
        if (count < 1) throw new ArgumentException($"count must be positive, got {count}");
        using var g = new Generator((ulong)seed);
        var angle = (rand(count, generator: g, dtype: float64) * 2 - 1) * (MaxAngleDegrees * Math.PI / 180);
        var scale = MinScale + rand(count, generator: g, dtype: float64) * (MaxScale - MinScale);
        using var halfExtent = scale * ((double)digitSize / canvasSize);       // the digit's half-width, normalised
        using var room = (1 - halfExtent).clamp_min(0).unsqueeze(1);
        var translation = (rand(new long[] { count, 2 }, generator: g, dtype: float64) * 2 - 1) * room;
        return new RtsDistortion(angle, scale, translation);
    }

    /// <summary>Applies distortions to digits [N, 1, h, w]: canvases [N, 1, S, S]. With angle 0,
    /// scale 1 and no translation the digit is exactly centred (zero padding).</summary>
    public static Tensor Apply(Tensor digits, RtsDistortion d, int canvasSize = CanvasSize)
    {
        Shapes.Require(digits, "digits", -1, -1, -1, -1);
        long n = digits.shape[0];
        Shapes.Require(d.Angle, "angle", n);
        using var _ = NewDisposeScope();
        // Canvas → digit coordinates (what grid_sample needs): p_digit = R(−α)(p_canvas − t) / k,
        // with k = scale · digit/canvas the digit's size on the canvas.
        var k = d.Scale * ((double)digits.shape[3] / canvasSize);
        var cos = d.Angle.cos() / k;
        var sin = d.Angle.sin() / k;
        var tx = d.Translation[.., 0];
        var ty = d.Translation[.., 1];
        var theta = stack(new[]
        {
            stack(new[] { cos, sin, -(cos * tx + sin * ty) }, 1),
            stack(new[] { -sin, cos, -(-sin * tx + cos * ty) }, 1),
        }, 1).to_type(digits.dtype).to(digits.device);
        var grid = F.affine_grid(theta, new long[] { n, digits.shape[1], canvasSize, canvasSize }, align_corners: false);
        return F.grid_sample(digits, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).MoveToOuterDisposeScope();
    }

    /// <summary>The RTS version of a digit set, drawn with <paramref name="seed"/> (the same seed gives the same images).</summary>
    public static ImageSet Build(ImageSet digits, long seed, int canvasSize = CanvasSize)
    {
        using var d = Sample(digits.Count, seed, (int)digits.Images.shape[3], canvasSize);
        var images = Apply(digits.Images, d, canvasSize);
        return new ImageSet(images, digits.Labels.clone(),
                            $"RTS (±{MaxAngleDegrees}°, ×{MinScale}–{MaxScale}, {canvasSize}×{canvasSize}, seed {seed}) of {digits.Description}");
    }

    /// <summary>The RTS version of a digit set with each digit's box: the corners of its 28×28 frame after the
    /// rotation, scaling and translation (a rotated square), as <see cref="Corners"/> gives them.</summary>
    public static LocatedImages BuildLocated(ImageSet digits, long seed, int canvasSize = CanvasSize)
    {
        int digitSize = (int)digits.Images.shape[3];
        using var d = Sample(digits.Count, seed, digitSize, canvasSize);
        var images = Apply(digits.Images, d, canvasSize);
        var set = new ImageSet(images, digits.Labels.clone(),
                               $"RTS (±{MaxAngleDegrees}°, ×{MinScale}–{MaxScale}, {canvasSize}×{canvasSize}, seed {seed}) of {digits.Description}");
        return new LocatedImages(set, Corners(d, digitSize, canvasSize));
    }

    /// <summary>Where the corners of each digit's frame land on the canvas: [N, 4, 2] (x, y in pixel edge
    /// coordinates), starting at the digit's top-left and going clockwise as seen in the digit. The frame's
    /// point p (normalised, ±1 at its edges) lands at t + k·R(α)·p, the inverse of <see cref="Apply"/>'s map.</summary>
    public static Tensor Corners(RtsDistortion d, int digitSize, int canvasSize = CanvasSize)
    {
        using var _ = NewDisposeScope();
        var k = (d.Scale * ((double)digitSize / canvasSize)).view(-1, 1);
        var cos = d.Angle.cos().view(-1, 1);
        var sin = d.Angle.sin().view(-1, 1);
        var px = tensor(new double[] { -1, 1, 1, -1 }).view(1, 4);
        var py = tensor(new double[] { -1, -1, 1, 1 }).view(1, 4);
        var x = d.Translation[.., 0].view(-1, 1) + k * (cos * px - sin * py);
        var y = d.Translation[.., 1].view(-1, 1) + k * (sin * px + cos * py);
        return ((stack(new[] { x, y }, 2) + 1) / 2 * canvasSize).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}

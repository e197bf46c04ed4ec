// Maps a scene to class logits through a glimpse: a localiser places a spatial transformer's window
// (centre and scale), the glimpse is sampled from the image at a fixed resolution (the hard window: it
// normalises scale and sees nothing outside), and, in the focal spatial transformer, multiplied by a
// Gaussian over the glimpse (the smooth window) before a small CNN classifies it.
using Attend.Spatial;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.SoftAttention;

public sealed class FocalTransformerClassifier : Module<Tensor, AttentionReadout>
{
    /// <summary>The glimpse's side in pixels.</summary>
    public const int GlimpseSize = 32;

    /// <summary>The focal window's standard deviation over the glimpse (normalised units: the glimpse spans ±1).</summary>
    public const double FocalSpread = 0.5;

    readonly SceneEncoder encoder;
    readonly WindowLocaliser localiser;
    readonly SceneEncoder glimpseEncoder;
    readonly ClassifierHead head;
    readonly bool focal;

    /// <param name="focal">Multiply the glimpse by the Gaussian window (the focal spatial transformer); false
    /// is the plain spatial transformer.</param>
    /// <param name="canvas">The scenes' side in pixels.</param>
    /// <param name="classes">How many classes the head tells apart.</param>
    public FocalTransformerClassifier(bool focal, int canvas, int classes = 10) : base(nameof(FocalTransformerClassifier))
    {
        this.focal = focal;
        encoder = new SceneEncoder();
        // The glimpse's scale (half its side over the image's) lies in [0.2, 1] and starts at 0.6.
        localiser = new WindowLocaliser(SceneEncoder.FeatureSide(canvas), 0.2, 1.0, 0.6);
        glimpseEncoder = new SceneEncoder();
        head = new ClassifierHead(SceneEncoder.Channels, classes: classes);
        RegisterComponents();
    }

    public bool Focal => focal;

    /// <summary>The glimpses [B, 1, G, G] the classifier sees (after the focal window, if any), and their θ.</summary>
    public (Tensor Glimpses, Tensor Theta) Glimpses(Tensor scenes)
    {
        Shapes.Require(scenes, "scenes [B, 1, S, S]", -1, 1, -1, -1);
        using var _ = NewDisposeScope();
        var (centre, spread) = localiser.call(encoder.call(scenes));
        var theta = Affine.FromPosition(cat(new[] { centre, spread.unsqueeze(1), spread.unsqueeze(1) }, 1));
        var glimpses = Glimpse.Crop(scenes, theta, GlimpseSize, GlimpseSize, alignCorners: false);
        if (focal) glimpses = glimpses * FocalWindow(glimpses.dtype, glimpses.device).view(1, 1, GlimpseSize, GlimpseSize);
        return (glimpses.MoveToOuterDisposeScope(), theta.MoveToOuterDisposeScope());
    }

    public override AttentionReadout forward(Tensor scenes)
    {
        using var _ = NewDisposeScope();
        var (glimpses, theta) = Glimpses(scenes);
        var logits = head.call(glimpseEncoder.call(glimpses).mean(new long[] { 2, 3 }));
        long b = scenes.shape[0];
        // Where the glimpse looked: its sampling points in the image, weighted by the focal window (or evenly).
        var points = F.affine_grid(theta, new long[] { b, 1, GlimpseSize, GlimpseSize }, align_corners: false).view(b, -1, 2);
        var window = focal
            ? FocalWindow(scenes.dtype, scenes.device).flatten()
            : ones(GlimpseSize * GlimpseSize, dtype: scenes.dtype, device: scenes.device);
        var weights = (window / window.sum()).view(1, 1, -1).expand(b, 1, -1);
        return AttentionReadout.Leaving(logits, points, weights);
    }

    static Tensor FocalWindow(ScalarType dtype, Device device)
    {
        using var _ = NewDisposeScope();
        var centre = zeros(new long[] { 1, 2 }, dtype: dtype, device: device);
        var spread = full(new long[] { 1 }, FocalSpread, dtype: dtype, device: device);
        return WindowFunctions.Map(WindowShape.Gaussian, centre, spread, GlimpseSize, GlimpseSize)[0].MoveToOuterDisposeScope();
    }
}

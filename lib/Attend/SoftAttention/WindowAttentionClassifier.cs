// Maps a scene to class logits through a constrained attention map: a localiser places a window (Gaussian,
// bump or box) on the feature map, the normalised window weights the cells, and the pooled vector is
// classified. Only the smooth windows pass a gradient to where the window is; the box does not, so its
// localiser cannot learn (the lecture's soft versus hard windows).
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.SoftAttention;

public sealed class WindowAttentionClassifier : Module<Tensor, AttentionReadout>
{
    readonly SceneEncoder encoder;
    readonly WindowLocaliser localiser;
    readonly ClassifierHead head;
    readonly WindowShape shape;

    /// <param name="shape">The window function: Gaussian, bump or box.</param>
    /// <param name="canvas">The scenes' side in pixels (the localiser reads the whole feature map).</param>
    /// <param name="initialSpread">The window's standard deviation at the start, in normalised units.</param>
    /// <param name="classes">How many classes the head tells apart.</param>
    public WindowAttentionClassifier(WindowShape shape, int canvas, double initialSpread = 0.3, int classes = 10)
        : base(nameof(WindowAttentionClassifier))
    {
        this.shape = shape;
        encoder = new SceneEncoder();
        localiser = new WindowLocaliser(SceneEncoder.FeatureSide(canvas), 0.05, 1.0, initialSpread);
        head = new ClassifierHead(SceneEncoder.Channels, classes: classes);
        RegisterComponents();
    }

    public WindowShape Shape => shape;

    public override AttentionReadout forward(Tensor scenes)
    {
        using var _ = NewDisposeScope();
        var f = encoder.call(scenes);
        var (centre, spread) = localiser.call(f);
        var weights = WindowFunctions.Normalise(WindowFunctions.Map(shape, centre, spread, f.shape[2], f.shape[3]));
        var logits = head.call(AttentionPooling.Pool(f, weights));
        var points = Spatial.PixelCentres.Grid(f.shape[2], f.shape[3], f.dtype, f.device).unsqueeze(0);
        return AttentionReadout.Leaving(logits, points, weights.view(f.shape[0], 1, -1));
    }
}

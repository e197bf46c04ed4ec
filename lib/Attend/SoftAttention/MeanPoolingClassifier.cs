// Maps a scene to class logits without attention: the feature map's plain mean (global average pooling),
// the baseline that every attention classifier is compared with. Its "attention" is uniform over the cells.
using Attend.Spatial;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.SoftAttention;

public sealed class MeanPoolingClassifier : Module<Tensor, AttentionReadout>
{
    readonly SceneEncoder encoder;
    readonly ClassifierHead head;

    public MeanPoolingClassifier(int classes = 10) : base(nameof(MeanPoolingClassifier))
    {
        encoder = new SceneEncoder();
        head = new ClassifierHead(SceneEncoder.Channels, classes: classes);
        RegisterComponents();
    }

    public override AttentionReadout forward(Tensor scenes)
    {
        using var _ = NewDisposeScope();
        var f = encoder.call(scenes);
        long cells = f.shape[2] * f.shape[3];
        var logits = head.call(f.mean(new long[] { 2, 3 }));
        var points = PixelCentres.Grid(f.shape[2], f.shape[3], f.dtype, f.device).unsqueeze(0);
        var weights = full(new[] { f.shape[0], 1, cells }, 1.0 / cells, dtype: f.dtype, device: f.device);
        return AttentionReadout.Leaving(logits, points, weights);
    }
}

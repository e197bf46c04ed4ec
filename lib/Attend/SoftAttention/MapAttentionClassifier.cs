// Maps a scene to class logits through a learnt attention map, recurrently (Xu et al., Show, Attend and
// Tell): at each of T steps a score per feature cell, e = v·tanh(W_f·f + W_h·h), a softmax over the cells,
// the weighted average of the features (spatially adaptive pooling), and a GRU that reads it; the last
// state is classified. As in that paper, the first state comes from the mean of the features.
using Attend.Spatial;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.SoftAttention;

public sealed class MapAttentionClassifier : Module<Tensor, AttentionReadout>
{
    const int AttentionUnits = 32;

    readonly SceneEncoder encoder;
    readonly Linear keys;
    readonly Linear query;
    readonly Linear score;
    readonly Linear initialState;
    readonly GRUCell reader;
    readonly ClassifierHead head;
    readonly int steps;

    /// <param name="steps">Attention steps T (1: one map, pooled once).</param>
    /// <param name="hidden">Size of the GRU's state.</param>
    /// <param name="classes">How many classes the head tells apart.</param>
    public MapAttentionClassifier(int steps = 2, int hidden = 64, int classes = 10) : base(nameof(MapAttentionClassifier))
    {
        if (steps < 1) throw new ArgumentException($"attention steps must be ≥ 1, got {steps}");
        this.steps = steps;
        encoder = new SceneEncoder();
        keys = Linear(SceneEncoder.Channels, AttentionUnits);
        query = Linear(hidden, AttentionUnits, hasBias: false);
        score = Linear(AttentionUnits, 1);
        initialState = Linear(SceneEncoder.Channels, hidden);
        reader = GRUCell(SceneEncoder.Channels, hidden);
        head = new ClassifierHead(hidden, classes: classes);
        RegisterComponents();
    }

    public override AttentionReadout forward(Tensor scenes)
    {
        using var _ = NewDisposeScope();
        var f = encoder.call(scenes);
        long b = f.shape[0];
        var cells = f.flatten(2).transpose(1, 2);                 // [B, P, C]
        var k = keys.call(cells);                                 // [B, P, A]
        var h = initialState.call(cells.mean(new long[] { 1 })).tanh();
        var weights = new List<Tensor>();
        for (int t = 0; t < steps; t++)
        {
            var e = score.call((k + query.call(h).unsqueeze(1)).tanh()).squeeze(2);   // [B, P]
            var alpha = e.softmax(1);
            var context = bmm(alpha.unsqueeze(1), cells).squeeze(1);                  // [B, C]
            h = reader.call(context, h);
            weights.Add(alpha);
        }
        var points = PixelCentres.Grid(f.shape[2], f.shape[3], f.dtype, f.device).unsqueeze(0);
        return AttentionReadout.Leaving(head.call(h), points, stack(weights, 1).view(b, steps, -1));
    }
}

// Maps a soft-attention classifier and scenes whose label is slot 0's digit (the largest digit) to a
// trained classifier: Adam on cross-entropy through the one epoch loop, then per epoch the held-out
// accuracy and where the attention went (its mass on the target digit's box, per attention step).
using Attend.Data;
using Attend.Spatial;
using Attend.Training;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.SoftAttention;

/// <summary>Held-out accuracy; per attention step the mean share of the attention on the target's box and on
/// the other digits' boxes, the mean distance (pixels) from the attention's centroid to the target's centre, and
/// how far the centroid moves between scenes (pixels: the root mean square distance of the scenes' centroids
/// from their mean; 0 for attention that goes to the same place whatever the scene); the mean share of the
/// canvas the target's box covers (what evenly spread attention would put on it).</summary>
public sealed record AttentionScores(double Accuracy, double[] MassOnTarget, double[] MassOnOthers, double[] CentroidDistance,
                                     double[] CentroidSpread, double TargetArea);

public sealed record AttentionEpoch(int Epoch, double TrainLoss, AttentionScores Test, TimeSpan Elapsed);

public static class SoftAttentionTraining
{
    public static List<AttentionEpoch> Train(Module<Tensor, AttentionReadout> model, MultiMnistScenes train, MultiMnistScenes test,
                                             TrainingSettings s, Device? device = null, Action<AttentionEpoch>? progress = null,
                                             CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null)
    {
        s.Validate();
        device ??= CPU;
        model.to(device);
        var targets = train.Labels[.., 0].contiguous();
        using var optimizer = optim.Adam(model.parameters(), s.LearningRate);
        var loop = new LoopOptions(s.Epochs, s.BatchSize, s.Seed, Device: device, Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(model, train.Count, loop, batch =>
        {
            var x = batch.Select(train.Images).to(device);
            var y = batch.Select(targets).to(device);
            optimizer.zero_grad();
            using var readout = model.call(x);
            var loss = F.cross_entropy(readout.Logits, y);
            loss.backward();
            optimizer.step();
            batch.Record("loss", loss.item<float>());
        }, t => new AttentionEpoch(t.Epoch, t.Mean("loss"), Evaluate(model, test, device), t.Elapsed), progress);
    }

    /// <summary>Accuracy on slot 0's label and the attention's mass on each digit's box (eval mode, no gradients).</summary>
    public static AttentionScores Evaluate(Module<Tensor, AttentionReadout> model, MultiMnistScenes scenes, Device? device = null,
                                           int batchSize = 500)
    {
        device ??= CPU;
        int canvas = (int)scenes.Images.shape[3];
        long correct = 0;
        double[]? onTarget = null;
        double[]? onOthers = null;
        double[]? distance = null;
        Tensor? centroidSum = null;
        Tensor? centroidSquares = null;
        EvaluationBatches.Run(model, scenes.Count, batchSize, (start, n) =>
        {
            using var readout = model.call(scenes.Images.narrow(0, start, n).to(device));
            var labels = scenes.Labels.narrow(0, start, n);
            var boxes = scenes.Boxes.narrow(0, start, n);
            correct += readout.Logits.argmax(1).cpu().eq(labels[.., 0]).sum().item<long>();
            var points = readout.Points.cpu();
            var weights = readout.Weights.cpu();
            var target = AttentionPooling.MassInBoxes(points, weights, boxes[.., 0], canvas).sum(new long[] { 0 });
            var others = zeros_like(target);
            for (long k = 1; k < boxes.shape[1]; k++)
            {
                var present = labels[.., k].ge(0).to_type(ScalarType.Float64).unsqueeze(1);
                others += (AttentionPooling.MassInBoxes(points, weights, boxes[.., k], canvas) * present).sum(new long[] { 0 });
            }
            onTarget = Add(onTarget, target);
            onOthers = Add(onOthers, others);
            // Centroids [n, T, 2] in pixels: Σ weight · point, per step.
            var centroidsNormalised = matmul(weights.to_type(ScalarType.Float64), points.to_type(ScalarType.Float64).expand(n, -1, -1));
            var centroids = AttentionRectangle.ToPixels(centroidsNormalised, canvas, alignCorners: false);
            var box = boxes[.., 0].to_type(ScalarType.Float64);
            var centre = stack(new[] { (box[.., 0] + box[.., 2]) / 2, (box[.., 1] + box[.., 3]) / 2 }, 1).unsqueeze(1);
            distance = Add(distance, (centroids - centre).norm(dim: 2).sum(new long[] { 0 }));
            var sum = centroids.sum(new long[] { 0 });
            var squares = centroids.pow(2).sum(new long[] { 0 });
            centroidSum = centroidSum is null ? sum.MoveToOuterDisposeScope() : centroidSum.add_(sum);
            centroidSquares = centroidSquares is null ? squares.MoveToOuterDisposeScope() : centroidSquares.add_(squares);
        });
        using var meanCentroid = centroidSum! / scenes.Count;
        using var spreadSquared = (centroidSquares! / scenes.Count - meanCentroid.pow(2)).sum(1).clamp_min(0);
        double[] spread = spreadSquared.sqrt().data<double>().ToArray();
        centroidSum!.Dispose();
        centroidSquares!.Dispose();
        var box = scenes.Boxes[.., 0].to_type(ScalarType.Float64);
        double area = ((box[.., 2] - box[.., 0]) * (box[.., 3] - box[.., 1])).mean().item<double>() / ((double)canvas * canvas);
        return new AttentionScores((double)correct / scenes.Count, onTarget!.Select(v => v / scenes.Count).ToArray(),
                                   onOthers!.Select(v => v / scenes.Count).ToArray(), distance!.Select(v => v / scenes.Count).ToArray(),
                                   spread, area);
    }

    static double[] Add(double[]? sum, Tensor values)
    {
        var v = values.data<double>().ToArray();
        if (sum is null) return v;
        for (int i = 0; i < v.Length; i++) sum[i] += v[i];
        return sum;
    }
}

// Maps a classifier-localiser and digits with their box corners to a trained network: Adam on the
// weighted sum of cross-entropy and the corners' L2 loss, through the one epoch loop, and per epoch the
// held-out class accuracy, the IoU of predicted and true boxes (explicit location), and how often the
// predicted class map's maximum lies inside the true box (implicit location).
using Attend.Data;
using Attend.Spatial;
using Attend.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Boxes;

/// <summary>Held-out figures: class accuracy; mean IoU of the predicted and true quadrilaterals; the share of
/// images whose class-map peak lies inside the true box, and its mean distance from the box's centre (pixels);
/// the mean distance of the predicted box's centre from the true one (pixels).</summary>
public sealed record BoxScores(double Accuracy, double MeanIou, double PeakInBox, double PeakDistance, double CornerCentreDistance);

public sealed record BoxEpoch(int Epoch, double TrainLoss, double TrainCrossEntropy, double TrainCornerL2, BoxScores Test, TimeSpan Elapsed);

public static class BoxTraining
{
    /// <summary>Trains with loss = cross-entropy + <paramref name="boxWeight"/> · corner L2 (corners in normalised
    /// coordinates); evaluates on <paramref name="test"/> after every epoch.</summary>
    public static List<BoxEpoch> Train(CornerRegressionNet model, LocatedImages train, LocatedImages test, TrainingSettings s, double boxWeight,
                                       Device? device = null, Action<BoxEpoch>? progress = null, CancellationToken cancellation = default,
                                       Action<BatchProgress>? onBatch = null)
    {
        s.Validate();
        device ??= CPU;
        model.to(device);
        var targets = Normalised(train.Corners, train.Canvas);
        using var optimizer = optim.Adam(model.parameters(), s.LearningRate);
        var loop = new LoopOptions(s.Epochs, s.BatchSize, s.Seed, Device: device, Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(model, train.Count, loop, batch =>
        {
            var x = batch.Select(train.Set.Images).to(device);
            var y = batch.Select(train.Set.Labels).to(device);
            var corners = batch.Select(targets).to(device);
            optimizer.zero_grad();
            using var prediction = model.call(x);
            var loss = CornerLoss.Compute(prediction.Logits, y, prediction.Corners, corners, boxWeight);
            loss.Total.backward();
            optimizer.step();
            batch.Record("loss", loss.Total.item<float>());
            batch.Record("cross-entropy", loss.CrossEntropy.item<float>());
            batch.Record("corner L2", loss.CornerL2.item<float>());
        }, t => new BoxEpoch(t.Epoch, t.Mean("loss"), t.Mean("cross-entropy"), t.Mean("corner L2"), Evaluate(model, test, device), t.Elapsed),
        progress);
    }

    /// <summary>The held-out figures of <see cref="BoxScores"/> (eval mode, no gradients).</summary>
    public static BoxScores Evaluate(CornerRegressionNet model, LocatedImages set, Device? device = null, int batchSize = 500)
    {
        device ??= CPU;
        int canvas = set.Canvas;
        long correct = 0;
        double iou = 0;
        long peakInside = 0;
        double peakDistance = 0;
        double centreDistance = 0;
        EvaluationBatches.Run(model, set.Count, batchSize, (start, n) =>
        {
            using var prediction = model.call(set.Set.Images.narrow(0, start, n).to(device));
            var truth = set.Corners.narrow(0, start, n).to_type(ScalarType.Float64);
            var predicted = prediction.Logits.argmax(1).cpu();
            correct += predicted.eq(set.Set.Labels.narrow(0, start, n)).sum().item<long>();
            var corners = Pixels(prediction.Corners.cpu().to_type(ScalarType.Float64), canvas);
            iou += Quadrilaterals.Iou(corners, truth, canvas).sum().item<double>();
            var peak = CornerRegressionNet.PeakLocation(prediction.ClassMaps.cpu(), predicted);
            peakInside += Quadrilaterals.Covers(truth, peak.unsqueeze(1)).sum().item<long>();
            var centre = Quadrilaterals.Centre(truth);
            peakDistance += (peak - centre).norm(1, false, 2).sum().item<double>();
            centreDistance += (Quadrilaterals.Centre(corners) - centre).norm(1, false, 2).sum().item<double>();
        });
        double count = set.Count;
        return new BoxScores(correct / count, iou / count, peakInside / count, peakDistance / count, centreDistance / count);
    }

    /// <summary>Pixel corners → normalised coordinates (−1 … 1 over the canvas).</summary>
    public static Tensor Normalised(Tensor corners, int canvas) => corners / canvas * 2 - 1;

    /// <summary>Normalised corners → pixel edge coordinates.</summary>
    public static Tensor Pixels(Tensor corners, int canvas) => AttentionRectangle.ToPixels(corners, canvas, alignCorners: false);
}

using Attend.Boxes;
using Attend.Data;
using Attend.Training;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Tests.Boxes;

public class BoxTests
{
    static Tensor Square(double x0, double y0, double side)
        => tensor(new[] { x0, y0, x0 + side, y0, x0 + side, y0 + side, x0, y0 + side }).view(1, 4, 2);

    [Fact]
    public void The_loss_is_cross_entropy_plus_the_weighted_squared_corner_distance()
    {
        var logits = tensor(new double[] { 0, Math.Log(3), 0, 0 }).view(2, 2);   // p(class 1) = 3/4 for image 0; 1/2 for image 1
        var labels = tensor(new long[] { 1, 0 });
        var corners = zeros(2, 4, 2, dtype: ScalarType.Float64);
        var target = zeros(2, 4, 2, dtype: ScalarType.Float64);
        target[0, 0, 0] = 0.5;   // image 0: one coordinate off by 0.5 → 0.25
        target[1] = full(4, 2, 0.1, dtype: ScalarType.Float64);   // image 1: eight coordinates off by 0.1 → 0.08
        var terms = CornerLoss.Compute(logits, labels, corners, target, weight: 2);
        double ce = (-Math.Log(0.75) - Math.Log(0.5)) / 2;
        double l2 = (0.25 + 0.08) / 2;
        Assert.Equal(ce, terms.CrossEntropy.item<double>(), 12);
        Assert.Equal(l2, terms.CornerL2.item<double>(), 12);
        Assert.Equal(ce + 2 * l2, terms.Total.item<double>(), 12);
        Assert.Contains("weight", Assert.Throws<ArgumentException>(() => CornerLoss.Compute(logits, labels, corners, target, -1)).Message);
    }

    [Fact]
    public void Iou_of_squares_and_a_diamond_matches_their_areas()
    {
        Assert.Equal(1.0, Quadrilaterals.Iou(Square(2, 2, 10), Square(2, 2, 10), 20).item<double>(), 6);
        // Shifted by half a side: intersection 50, union 150.
        Assert.Equal(1.0 / 3, Quadrilaterals.Iou(Square(2, 2, 10), Square(7, 2, 10), 20).item<double>(), 3);
        Assert.Equal(0.0, Quadrilaterals.Iou(Square(0, 0, 5), Square(10, 10, 5), 20).item<double>());
        // The diamond through the square's edge midpoints covers half of it.
        var diamond = tensor(new double[] { 7, 2, 12, 7, 7, 12, 2, 7 }).view(1, 4, 2);
        Assert.Equal(0.5, Quadrilaterals.Iou(Square(2, 2, 10), diamond, 20, samplesPerPixel: 8).item<double>(), 2);
        var inside = Quadrilaterals.Covers(diamond, tensor(new double[] { 7, 7, 3, 3, 11.9, 7 }).view(1, 3, 2));
        Assert.Equal(new[] { true, false, true }, inside.data<bool>().ToArray());
    }

    [Fact]
    public void Rts_corners_outline_the_distorted_digit_frame()
    {
        // An undistorted digit sits in the middle of the 42-pixel canvas.
        using var none = new RtsDistortion(zeros(1, dtype: ScalarType.Float64), ones(1, dtype: ScalarType.Float64),
                                           zeros(1, 2, dtype: ScalarType.Float64));
        TestTorch.Close(Square(7, 7, 28).to_type(ScalarType.Float32), RtsMnist.Corners(none, 28), 1e-5, "centred");
        // A full white frame, distorted: its ink lies inside the corners and nowhere else.
        using var d = RtsMnist.Sample(6, seed: 3);
        var frames = RtsMnist.Apply(ones(6, 1, 28, 28), d);
        var corners = RtsMnist.Corners(d, 28);
        var centres = (arange(42, dtype: ScalarType.Float64) + 0.5);
        var points = stack(new[] { centres.view(1, 42).expand(42, 42), centres.view(42, 1).expand(42, 42) }, 2).reshape(1, 42 * 42, 2);
        var inside = Quadrilaterals.Covers(corners.to_type(ScalarType.Float64), points).view(6, 42, 42);
        var ink = frames[.., 0];
        double inkInside = (ink * inside).sum().item<float>() / ink.sum().item<float>();
        Assert.True(inkInside > 0.97, $"only {inkInside:P1} of the ink lies inside the corners");
        double coveredInk = ink.masked_select(inside).mean().item<float>();
        Assert.True(coveredInk > 0.9, $"the frame's inside is only {coveredInk:P1} white");
    }

    [Fact]
    public void The_peak_location_is_the_centre_of_the_strongest_cell_of_the_chosen_class()
    {
        var maps = zeros(2, 3, 4, 5);
        maps[0, 1, 2, 3] = 5;   // image 0, class 1: row 2, column 3
        maps[0, 2, 0, 0] = 9;   // a stronger cell of another class, not chosen
        maps[1, 0, 3, 1] = 1;
        var peak = CornerRegressionNet.PeakLocation(maps, tensor(new long[] { 1, 0 }));
        TestTorch.Close(tensor(new double[] { 14, 10, 6, 14 }).view(2, 2), peak, 1e-12, "pixel centres (stride 4)");
    }

    [Fact]
    public void The_corner_network_lowers_its_loss_in_a_few_epochs()
    {
        var digits = new ImageSet(rand(64, 1, 28, 28), arange(64) % 10, "noise digits");
        using var located = RtsMnist.BuildLocated(digits, seed: 2);
        manual_seed(4);
        var model = new CornerRegressionNet(RtsMnist.CanvasSize);
        using var prediction = model.call(located.Set.Images.narrow(0, 0, 3));
        Assert.Equal(new long[] { 3, 10 }, prediction.Logits.shape);
        Assert.Equal(new long[] { 3, 4, 2 }, prediction.Corners.shape);
        TestTorch.Close(prediction.ClassMaps.amax(new long[] { 2, 3 }), prediction.Logits, 0, "logits = maps' maxima");
        var history = BoxTraining.Train(model, located, located, new TrainingSettings(Epochs: 5, BatchSize: 16, LearningRate: 2e-3), 1.0);
        Assert.True(history[^1].TrainCornerL2 < history[0].TrainCornerL2, $"corner L2 {history[0].TrainCornerL2} → {history[^1].TrainCornerL2}");
        Assert.InRange(history[^1].Test.MeanIou, 0, 1);
    }
}

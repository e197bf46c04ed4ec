// Maps an image [B, 1, S, S] with one object to its class and its location, both ways the CNN notes
// name: implicitly, through class maps whose maximum over positions is the class score (where the
// maximum fires says where the object is), and explicitly, through an extra output layer that predicts
// the four corners of the object's box (8 numbers, so a rotated box fits too).
using Attend.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Boxes;

/// <summary>Logits [B, classes] (each class map's maximum); ClassMaps [B, classes, h, w]; Corners [B, 4, 2]
/// (x, y of each corner in the image's normalised coordinates).</summary>
public sealed class LocatedPrediction : OutputBundle
{
    public required Tensor Logits { get; init; }
    public required Tensor ClassMaps { get; init; }
    public required Tensor Corners { get; init; }
}

public sealed class CornerRegressionNet : Module<Tensor, LocatedPrediction>
{
    /// <summary>Pixels per class-map cell along each axis (two max-pools of 2).</summary>
    public const int Stride = 4;

    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Conv2d conv3;
    readonly Linear classMaps;
    readonly Linear boxHidden;
    readonly Linear boxCorners;

    /// <summary>conv 5×5 (1→16) · ReLU · max-pool 2 · conv 5×5 (16→32) · ReLU · max-pool 2 · conv 3×3 (32→32) · ReLU,
    /// then class maps (a 1×1 layer, 32 → classes per cell; logits = each map's maximum) and the box layer (flatten ·
    /// fc → 64 · ReLU · fc → 8).</summary>
    public CornerRegressionNet(int canvas, int classes = 10) : base(nameof(CornerRegressionNet))
    {
        conv1 = Conv2d(1, 16, 5, padding: 2);
        conv2 = Conv2d(16, 32, 5, padding: 2);
        conv3 = Conv2d(32, 32, 3, padding: 1);
        // A 1×1 convolution written as a linear layer over the channels: this libtorch's convolution input
        // gradient is unreliable for output channel counts that are not a multiple of 16 (CONTRIBUTING.md).
        classMaps = Linear(32, classes);
        long side = canvas / 2 / 2;
        boxHidden = Linear(32 * side * side, 64);
        boxCorners = Linear(64, 8);
        RegisterComponents();
    }

    public override LocatedPrediction forward(Tensor images)
    {
        Shapes.Require(images, "images [B, 1, S, S]", -1, 1, -1, -1);
        using var _ = NewDisposeScope();
        var x = F.max_pool2d(F.relu(conv1.call(images)), 2);
        x = F.max_pool2d(F.relu(conv2.call(x)), 2);
        x = F.relu(conv3.call(x));
        var maps = classMaps.call(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
        var logits = maps.amax(new long[] { 2, 3 });
        var corners = boxCorners.call(F.relu(boxHidden.call(x.flatten(1)))).view(-1, 4, 2);
        return new LocatedPrediction
        {
            Logits = logits.MoveToOuterDisposeScope(),
            ClassMaps = maps.contiguous().MoveToOuterDisposeScope(),
            Corners = corners.MoveToOuterDisposeScope(),
        };
    }

    /// <summary>Where a class map's maximum fires: the centre (x, y) of its strongest cell in the image's pixel
    /// coordinates [B, 2], for the class <paramref name="classes"/> [B] of each image. A cell of the maps covers
    /// <paramref name="stride"/> × stride pixels (4 for this network).</summary>
    public static Tensor PeakLocation(Tensor maps, Tensor classes, int stride = Stride)
    {
        Shapes.Require(maps, "class maps [B, classes, h, w]", -1, -1, -1, -1);
        Shapes.Require(classes, "classes [B]", maps.shape[0]);
        using var _ = NewDisposeScope();
        long h = maps.shape[2];
        long w = maps.shape[3];
        var chosen = maps.gather(1, classes.view(-1, 1, 1, 1).expand(-1, 1, h, w)).view(maps.shape[0], h * w);
        var index = chosen.argmax(1);
        var column = (index % w).to_type(ScalarType.Float64);
        var row = (index.to_type(ScalarType.Float64) - column) / w;   // exact: (index − column) is a multiple of w
        return (stack(new[] { column, row }, 1) * stride + stride / 2.0).MoveToOuterDisposeScope();
    }
}

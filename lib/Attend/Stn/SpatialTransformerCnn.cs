// Maps a digit image to class logits through a spatial transformer: the localisation net
// predicts θ, the image is resampled on θ's grid (the shared glimpse sampler), and the
// plain CNN classifies the result (the STN paper's ST-CNN).
using Attend.Spatial;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Stn;

public sealed class SpatialTransformerCnn : Module<Tensor, Tensor>
{
    readonly LocalisationNet localiser;
    readonly DigitCnn classifier;
    readonly int size;

    public SpatialTransformerCnn(int inputSize = 42) : base(nameof(SpatialTransformerCnn))
    {
        size = inputSize;
        localiser = new LocalisationNet(inputSize);
        classifier = new DigitCnn(inputSize);
        RegisterComponents();
    }

    /// <summary>The transformer's output (what the classifier sees) and θ, for figures.</summary>
    public (Tensor Transformed, Tensor Theta) Transform(Tensor images)
    {
        var theta = localiser.call(images);
        return (Glimpse.Sample(images, theta, size, size, alignCorners: false), theta);
    }

    public override Tensor forward(Tensor images)
    {
        var (transformed, theta) = Transform(images);
        using (transformed) using (theta) return classifier.call(transformed);
    }
}

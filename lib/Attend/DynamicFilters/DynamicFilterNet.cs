// Maps an image to ten class scores the lab's way: the backbone's features v [B, 64, 8, 8]
// are read by one 1×1 filter per class, the filter generated from that class's embedding
// (MLP 128→256 ReLU →64 Tanh, L2-normalised); each response map, scaled by √64 and
// flattened, goes through the score predictor (64→64 ReLU →1). All ten classes in one batch.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.DynamicFilters;

/// <summary>Where the ten 1×1 filters come from: generated from class embeddings (dynamic) or
/// learnt directly (the static baseline). Everything else is shared.</summary>
public enum FilterPath { Dynamic, Static }

public sealed class DynamicFilterNet : Module<Tensor, Tensor>
{
    public const int Classes = 10;
    public const int EmbeddingSize = 128;
    public const int HiddenSize = 256;
    readonly ResNet18Stem backbone;
    readonly Embedding? class_embeddings;
    readonly Sequential? weights_generator;
    readonly Parameter? static_filters;
    readonly Sequential score_predictor;
    readonly int responseSize;

    public ResNet18Stem Backbone => backbone;

    public FilterPath Path { get; }

    /// <param name="path">where the ten filters come from: generated (dynamic) or trained directly (static).</param>
    /// <param name="responseSide">side of the backbone's feature map (8 for 32×32 input): the score predictor reads side² values.</param>
    public DynamicFilterNet(FilterPath path, int responseSide = 8) : base(nameof(DynamicFilterNet))
    {
        Path = path;
        responseSize = responseSide * responseSide;
        backbone = new ResNet18Stem();
        if (path == FilterPath.Dynamic)
        {
            class_embeddings = Embedding(Classes, EmbeddingSize);
            weights_generator = Sequential(Linear(EmbeddingSize, HiddenSize), ReLU(), Linear(HiddenSize, ResNet18Stem.Channels), Tanh());
        }
        else
        {
            // One trainable 1×1 filter (64 → 1) per class, initialised as Conv2d(64, 10, 1) would be.
            var conv = Conv2d(ResNet18Stem.Channels, Classes, 1, bias: false);
            static_filters = Parameter(conv.weight!.detach().view(Classes, ResNet18Stem.Channels).clone());
            conv.Dispose();
        }
        score_predictor = Sequential(Linear(responseSize, 64), ReLU(), Linear(64, 1));
        RegisterComponents();
    }

    /// <summary>The ten unit-norm 1×1 filters [10, 64].</summary>
    public Tensor Filters()
    {
        using var scope = NewDisposeScope();
        var raw = Path == FilterPath.Dynamic ? weights_generator!.call(class_embeddings!.weight!) : static_filters!;
        return functional.normalize(raw, p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Response maps [B, 10, h, w]: every class's filter over the features, scaled by √64.</summary>
    public Tensor ResponseMaps(Tensor images)
    {
        using var scope = NewDisposeScope();
        var v = backbone.call(images);
        var filters = Filters();
        // A 1×1 convolution with ten filters is one product over the channel axis.
        var response = einsum("bchw,kc->bkhw", v, filters) * Math.Sqrt(ResNet18Stem.Channels);
        return response.MoveToOuterDisposeScope();
    }

    /// <summary>One class's score from its flattened response map [B, h·w] → [B, 1].</summary>
    public Tensor ScoreOf(Tensor flatResponse) => score_predictor.call(flatResponse);

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var response = ResponseMaps(images);
        long b = response.shape[0];
        if (response.shape[2] * response.shape[3] != responseSize)
            throw new ArgumentException(
                $"response maps are {response.shape[2]}×{response.shape[3]}, the score predictor reads {responseSize} values " +
                "(input must be 32×32 for responseSide 8)");
        return score_predictor.call(response.reshape(b, Classes, responseSize)).view(b, Classes).MoveToOuterDisposeScope();
    }
}

// Maps an image to the NoP-Learner's three localisations and the glimpse it names: the shared
// preprocessor and positioner, three attention units (Attention₀ with a random query, Attention₁
// with the glimpse's category, Attention₂ with no input), and the glimpse classifier. The losses
// L1 = KL(q₀‖q₁) and L2 = KL(q₀‖q₂) compare the localisers' Gaussians over position.
using Attend.Nn;
using Attend.Spatial;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Nop;

/// <summary>Positions q are [B, 4] = (μx, μy, σx, σy); L1 and L2 are per image [B].</summary>
public sealed class NopOutputs : OutputBundle
{
    public required Tensor Q0 { get; init; }
    public required Tensor Q1 { get; init; }
    public required Tensor Q2 { get; init; }
    public required Tensor Glimpses { get; init; }
    public required Tensor Category { get; init; }
    public required Tensor Logits { get; init; }
    public required Tensor Weights0 { get; init; }
    public required Tensor Weights1 { get; init; }
    public required Tensor Weights2 { get; init; }
    public required Tensor L1 { get; init; }
    public required Tensor L2 { get; init; }
    /// <summary>L1 as the localisation set descends it: KL(sg(q₀)‖q₁) on a glimpse cut at sg(q₀) when the config
    /// detaches the proposal, else L1 itself.</summary>
    public required Tensor L1Explainer { get; init; }
}

public sealed class NopLearner : Module<Tensor, Tensor?, Generator?, NopOutputs>
{
    readonly Preprocessor preprocessor;
    readonly Positioner positioner;
    readonly AttentionUnit attention0;
    readonly AttentionUnit attention1;
    readonly AttentionUnit attention2;
    readonly GlimpseClassifier classifier;

    public Preprocessor Preprocessor => preprocessor;
    public Positioner Positioner => positioner;
    public AttentionUnit Attention0 => attention0;
    public AttentionUnit Attention1 => attention1;
    public AttentionUnit Attention2 => attention2;
    public GlimpseClassifier Classifier => classifier;

    public NopConfig Config { get; }

    public NopLearner(NopConfig? config = null) : base(nameof(NopLearner))
    {
        Config = config ?? new NopConfig();
        Config.Validate();
        preprocessor = new Preprocessor(Config);
        positioner = new Positioner(Config);
        attention0 = new AttentionUnit(Config, Config.QueryDim, "Attention0");
        attention1 = new AttentionUnit(Config, Config.Categories, "Attention1");
        attention2 = new AttentionUnit(Config, 0, "Attention2");
        classifier = new GlimpseClassifier(Config);
        RegisterComponents();
        LearnerInitialisation.Apply(this, Config.Initialisation);
    }

    /// <summary>The three disjoint parameter sets the NoP design notes train with three objectives:
    /// localisation (preprocessor, positioner), classifier and Attention₁ minimise L1 (only classifier and
    /// Attention₁ when FreezeSharedAfterPretraining follows a pre-training phase, and neither of those with
    /// FreezeExplainerAfterPretraining too);
    /// Attention₂ minimises L2; Attention₀ minimises L1 − L2.</summary>
    public IEnumerable<Parameter> LocalisationSet()
    {
        bool pretrained = Config.PretrainEpochs > 0;
        var shared = pretrained && Config.FreezeSharedAfterPretraining ? Enumerable.Empty<Parameter>() : SharedSet();
        var explainer = pretrained && Config.FreezeExplainerAfterPretraining ? Enumerable.Empty<Parameter>() : ExplainerSet();
        return shared.Concat(explainer);
    }

    /// <summary>The parts all three localisers share: preprocessor and positioner.</summary>
    public IEnumerable<Parameter> SharedSet() => preprocessor.parameters().Concat(positioner.parameters());

    /// <summary>The parts that name a glimpse and find it again from its name: classifier and Attention₁.</summary>
    public IEnumerable<Parameter> ExplainerSet() => classifier.parameters().Concat(attention1.parameters());
    public IEnumerable<Parameter> Attention2Set() => attention2.parameters();
    public IEnumerable<Parameter> Attention0Set() => attention0.parameters();

    /// <summary>A random query for Attention₀, [B, QueryDim]: N(0, I), or one-hot of a uniform category with
    /// QueryKind.Category (null when QueryDim is 0).</summary>
    public Tensor? SampleQuery(long batch, Generator? generator = null, Device? device = null)
    {
        if (Config.QueryDim == 0) return null;
        var query = Config.QueryKind == QueryKind.Category
            ? functional.one_hot(randint(Config.Categories, new[] { batch }, generator: generator, device: device), Config.Categories)
                .to(float32)
            : randn(new[] { batch, (long)Config.QueryDim }, generator: generator, device: device);
        GC.KeepAlive(generator);   // a caller's `new Generator(…)` must not be finalised during the native call
        return query;
    }

    /// <summary>Localiser i: the shared positioner on the features weighted by attention unit i.</summary>
    public (Tensor Q, Tensor Weights) Localise(AttentionUnit attention, Tensor features, Tensor vector, Tensor? input)
    {
        using var _ = NewDisposeScope();
        var (weighted, w) = attention.call(features, vector, input);
        return (positioner.call(weighted).MoveToOuterDisposeScope(), w.MoveToOuterDisposeScope());
    }

    /// <summary>The glimpse at position q: θ = [[σx, 0, μx], [0, σy, μy]], cut to 16×16.</summary>
    public Tensor GlimpseAt(Tensor images, Tensor q) =>
        Glimpse.Crop(images, Affine.FromPosition(q), Config.GlimpseSize, Config.GlimpseSize, alignCorners: false);

    /// <summary>What the classifier sees of glimpses [B, C, 16, 16]: the glimpses, or with NameInput.Shading their
    /// luminance (the channels' mean) standardised per glimpse, [B, 1, 16, 16]: no colour and no overall brightness.</summary>
    public Tensor NameInputOf(Tensor glimpses)
    {
        if (Config.NameInput == NameInput.Glimpse) return glimpses.alias();
        using var _ = NewDisposeScope();
        var luminance = glimpses.mean(new long[] { 1 }, keepdim: true);
        var centred = luminance - luminance.mean(new long[] { 2, 3 }, keepdim: true);
        // The floor (10⁻⁴, a standard deviation of 0.01) keeps a flat glimpse flat instead of magnifying its noise.
        return (centred / (centred.square().mean(new long[] { 2, 3 }, keepdim: true) + 1e-4).sqrt()).MoveToOuterDisposeScope();
    }

    /// <summary>Images, Attention₀'s query (see <see cref="SampleQuery"/>) and the Gumbel noise's generator → all outputs.</summary>
    public override NopOutputs forward(Tensor images, Tensor? query, Generator? generator)
    {
        using var _ = NewDisposeScope();
        var (features, vector) = preprocessor.call(images);
        var (q0, w0) = Localise(attention0, features, vector, query);
        // With DetachProposal, q₀ is where to look, not something the explainer may move: the glimpse is cut at
        // sg(q₀), so Attention₀ learns only through the KLs' q₀ (its category path is straight-through noise anyway).
        var glimpses = GlimpseAt(images, Config.DetachProposal ? q0.detach() : q0);
        var (category, logits) = classifier.call(NameInputOf(glimpses), generator);
        var (q1, w1) = Localise(attention1, features, vector, category);
        var (q2, w2) = Localise(attention2, features, vector, null);
        var l1 = PositionKl(q0, q1);
        var l2 = PositionKl(q0, q2);
        var l1Explainer = Config.DetachProposal ? PositionKl(q0.detach(), q1) : l1.alias();
        return new NopOutputs
        {
            Q0 = q0.MoveToOuterDisposeScope(), Q1 = q1.MoveToOuterDisposeScope(), Q2 = q2.MoveToOuterDisposeScope(),
            Glimpses = glimpses.MoveToOuterDisposeScope(), Category = category.MoveToOuterDisposeScope(), Logits = logits.MoveToOuterDisposeScope(),
            Weights0 = w0.MoveToOuterDisposeScope(), Weights1 = w1.MoveToOuterDisposeScope(), Weights2 = w2.MoveToOuterDisposeScope(),
            L1 = l1.MoveToOuterDisposeScope(), L2 = l2.MoveToOuterDisposeScope(), L1Explainer = l1Explainer.MoveToOuterDisposeScope(),
        };
    }

    /// <summary>KL(qa‖qb) of two axis-aligned Gaussians over position, summed over x and y: [B].</summary>
    public static Tensor PositionKl(Tensor qa, Tensor qb)
        => KlDivergence.NormalSigma(qa.narrow(1, 0, 2), qa.narrow(1, 2, 2), qb.narrow(1, 0, 2), qb.narrow(1, 2, 2)).sum(1);
}

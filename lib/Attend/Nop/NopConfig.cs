// The NoP-Learner's sizes and the choices the NoP design notes ("Designing a Network") leave open, in
// one record so notebooks can print and vary them.
namespace Attend.Nop;

/// <summary>Uniform: TorchSharp's default, ±1/√fan_in (the design as built); KaimingNormal: He-normal weights
/// (ReLU gain) and zero biases, so the image-dependent signal keeps its size through the ten layers.</summary>
public enum NopInitialisation { Uniform, KaimingNormal }

/// <summary>How the positioner turns features into μ: FullyConnected (the design: fc 256→32→4 after the
/// convolutions) or SoftArgmax (the expected cell centre under a softmax over a 16×16 score map).</summary>
public enum PositionHead { FullyConnected, SoftArgmax }

/// <summary>Where phase 1 cuts its glimpses: Uniform (centres ~ U(−r, r)²) or Contrast (at pixels drawn in proportion
/// to how much they differ from the image's background colour: mostly on objects, without labels).</summary>
public enum ProposalPrior { Uniform, Contrast }

/// <summary>Attention₀'s random query: Gaussian (QueryDim numbers from N(0, I), the design as built) or Category (a
/// one-hot of a uniformly drawn category, QueryDim = Categories numbers: "find something called k", in the names'
/// own language, so that Attention₀ can start as a copy of Attention₁).</summary>
public enum QueryKind { Gaussian, Category }

/// <summary>What the classifier names: Glimpse (the 16×16 glimpse as cut, the design) or Shading (its luminance,
/// standardised per glimpse: colour-blind names, so that what tells the objects apart has to be their form and shading).</summary>
public enum NameInput { Glimpse, Shading }

/// <summary>
/// Sizes follow the seed: CNN₀ turns the image into a 16×16×16 feature tensor, CNN₁ into a vector,
/// the positioner ends 256 → 32 → 4, the classifier names 16×16 glimpses with 16 categories.
/// Choices where the design notes are silent (each a parameter):
/// <list type="bullet">
/// <item>Canvases larger than 64² (128² CLEVR, 256² Multi-MNIST) get one extra max-pool right after
/// CNN₀'s first convolution (by canvas/64), so the 3×3 convolutions run at 64² and the features
/// are always 16×16×16.</item>
/// <item>Attention₀ takes a random query (N(0, I), QueryDim numbers): different queries can pick
/// different objects, and L1 − L2 rewards a pick that the category explains (q₁) but the image
/// alone does not (q₂). QueryDim 0 gives Attention₀ no input.</item>
/// <item>The classifier's hard Gumbel-softmax category is Attention₁'s input (MLP₁), so L1's
/// gradient reaches the classifier through the straight-through estimator.</item>
/// <item>Positions: μ through tanh (inside the image); σ through a sigmoid as the design notes prefer,
/// floored at SigmaMin so KL and the glimpse stay finite.</item>
/// </list>
/// </summary>
public sealed record NopConfig
{
    public int InChannels { get; init; } = 3;
    public int CanvasSize { get; init; } = 64;
    public int Channels { get; init; } = 16;          // feature channels c of the 16×16×16 tensor
    public int VectorDim { get; init; } = 32;         // CNN₁'s output
    public int AttentionHidden { get; init; } = 32;   // MLP₁ and MLP₂ width
    public int QueryDim { get; init; } = 8;           // Attention₀'s random query; 0 = no input
    public int Categories { get; init; } = 16;        // classifier outputs (fc3 32 → 16)
    public int GlimpseSize { get; init; } = 16;
    public int ReceptiveField { get; init; } = 1;     // attention unit: 1 = channel weights only, 3 = then a 3×3 depthwise convolution
    public bool CoordConv { get; init; } = true;      // positioner input: features + x, y channels (18) or features only (16)
    public double SigmaMin { get; init; } = 0.05;
    public double GumbelTemperature { get; init; } = 1.0;

    // Departures from the design notes that make the learner learn (notebook 06, "Making it learn"; each
    // is ablated there). Defaults are the design as written, so each change is asked for by name.
    public NopInitialisation Initialisation { get; init; } = NopInitialisation.Uniform;
    public PositionHead PositionHead { get; init; } = PositionHead.FullyConnected;
    // The explainer (localisation set) takes q₀ as a fixed target: no gradient of its L1 through q₀ or the glimpse.
    public bool DetachProposal { get; init; }
    // Phase 1, "name this patch so you can find it again": epochs of L1 on random glimpse positions before the three objectives.
    public int PretrainEpochs { get; init; }
    public double ProposalSigma { get; init; } = 0.25;     // σ (window half-width) of phase 1's random glimpses
    public double ProposalRange { get; init; } = 0.75;     // their centres ~ U(−r, r)² in normalised coordinates
    // After phase 1 the preprocessor and positioner stay as phase 1 left them.
    public bool FreezeSharedAfterPretraining { get; init; }
    // Weight of the category-usage term: the explainer maximises the mutual information between glimpse and category.
    public double UsageWeight { get; init; }
    // Phase 1 names a glimpse with softmax(logits) instead of a Gumbel sample: a gradient without the sampling noise,
    // which the usage term keeps close to one-hot (measured faster to leave the plateau, notebook 06).
    public bool PretrainSoftNames { get; init; }
    // Random glimpses per scene in phase 1; they share the scene's features, so more of them land on objects per pass.
    public int ProposalsPerImage { get; init; } = 1;
    public ProposalPrior ProposalPrior { get; init; } = ProposalPrior.Uniform;
    // Phase 1's learning rate; 0 = the settings' rate.
    public double PretrainLearningRate { get; init; }
    public QueryKind QueryKind { get; init; } = QueryKind.Gaussian;
    // After phase 1, Attention₀ starts as a copy of Attention₁ (needs QueryKind.Category): query k looks where a glimpse
    // named k would be found again, so different queries start on different objects.
    public bool ProposerFromExplainer { get; init; }
    // After phase 1 the classifier and Attention₁ stay as phase 1 left them too: q₁ stays the refinder that phase 1 made,
    // instead of following q₀ until L1 vanishes (measured: L1 fell to 2·10⁻⁴ in 1,000 steps without it).
    public bool FreezeExplainerAfterPretraining { get; init; }
    // Attention₀ descends L1 − w·L2 (the design: w = 1). L2 rewards q₀ for going where q₂, "where anything is", does not
    // predict, which once q₂ has learnt the objects is off them (measured: hits fell from 29.9 % after phase 1 to 15.8 %).
    public double ProposerL2Weight { get; init; } = 1;
    // On colour scenes the names follow the colour (the cheapest way to tell two objects of a scene apart); Shading
    // names a colour-blind copy of the glimpse, the way contrastive learners remove the colour shortcut.
    public NameInput NameInput { get; init; } = NameInput.Glimpse;

    public const int FeatureSize = 16;

    /// <summary>Pooling factor of the extra max-pool after CNN₀'s first convolution (1 = none).</summary>
    public int ExtraPool => CanvasSize / 64;

    public void Validate()
    {
        if (CanvasSize < 64 || CanvasSize % 64 != 0 || (ExtraPool & (ExtraPool - 1)) != 0)
            throw new ArgumentException($"canvas size must be 64 times a power of two (64, 128, 256…), got {CanvasSize}");
        if (InChannels < 1 || Channels < 1 || VectorDim < 1 || AttentionHidden < 1 || QueryDim < 0 || Categories < 2 || GlimpseSize != 16)
            throw new ArgumentException($"invalid NoP sizes (the classifier needs 16×16 glimpses): {this}");
        if (ReceptiveField is not (1 or 3)) throw new ArgumentException($"receptive field must be 1 or 3, got {ReceptiveField}");
        if (!(SigmaMin > 0 && SigmaMin < 1) || !(GumbelTemperature > 0))
            throw new ArgumentException($"σ floor must lie in (0, 1) and τ be positive: {this}");
        if (PretrainEpochs < 0 || !(ProposalSigma >= SigmaMin && ProposalSigma <= 1) || !(ProposalRange > 0 && ProposalRange <= 1)
            || !(UsageWeight >= 0))
            throw new ArgumentException(
                $"invalid curriculum settings (pre-training epochs ≥ 0, proposal σ in [σ_min, 1], range in (0, 1], usage ≥ 0): {this}");
        if (ProposalsPerImage < 1 || !(PretrainLearningRate >= 0) || !(ProposerL2Weight >= 0))
            throw new ArgumentException($"phase 1 needs at least one proposal per image and a learning rate ≥ 0, L2's weight ≥ 0: {this}");
        if (QueryKind == QueryKind.Category && QueryDim != Categories)
            throw new ArgumentException($"a category query has one number per category: QueryDim {QueryDim} ≠ Categories {Categories}: {this}");
        if (ProposerFromExplainer && QueryKind != QueryKind.Category)
            throw new ArgumentException($"Attention₀ can start as a copy of Attention₁ only with a category query (QueryKind.Category): {this}");
        if (!Enum.IsDefined(Initialisation) || !Enum.IsDefined(PositionHead) || !Enum.IsDefined(QueryKind) || !Enum.IsDefined(ProposalPrior)
            || !Enum.IsDefined(NameInput))
            throw new ArgumentException($"unknown initialisation, position head, query kind, proposal prior or name input: {this}");
    }
}

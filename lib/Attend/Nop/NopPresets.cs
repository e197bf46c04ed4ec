// Maps a canvas to the NoP-Learner configuration notebook 06 trains: every departure from the design notes
// that its ablation kept, with the two learning rates it was measured with. NopConfig's own defaults stay the
// design as written, so that each departure is asked for by name and can be removed in turn.
namespace Attend.Nop;

public static class NopPresets
{
    /// <summary>Phase 2's rate for the three Adam optimisers (10⁻³, the design's, oscillates and then collapses).</summary>
    public const double LearningRate = 1e-4;

    /// <summary>Phase 1 on contrast-drawn glimpses (soft names, 4 per scene, usage term 0.3, Adam 5·10⁻⁴), then the three
    /// objectives with preprocessor, positioner, classifier and Attention₁ frozen, a category query and Attention₀
    /// starting as a copy of Attention₁.</summary>
    public static NopConfig Learning(int canvas, int inChannels, int pretrainEpochs = 20) => new()
    {
        CanvasSize = canvas, InChannels = inChannels,
        Initialisation = NopInitialisation.KaimingNormal, PositionHead = PositionHead.SoftArgmax, DetachProposal = true,
        PretrainEpochs = pretrainEpochs, ProposalSigma = 0.2, ProposalPrior = ProposalPrior.Contrast, ProposalsPerImage = 4,
        PretrainSoftNames = true, PretrainLearningRate = 5e-4, UsageWeight = 0.3,
        FreezeSharedAfterPretraining = true, FreezeExplainerAfterPretraining = true,
        QueryKind = QueryKind.Category, QueryDim = 16, ProposerFromExplainer = true,
    };
}

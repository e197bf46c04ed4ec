// Maps the NoP-Learner's chosen departures from the design notes to an ablation: the chosen config, one
// variant per departure with that departure removed, and the design as written; and maps each variant's
// held-out evaluation to a row of one fixed-width table, so notebook 06 shows what each change is worth.
namespace Attend.Nop;

public sealed record NopVariant(string Name, NopConfig Config);

public static class NopAblation
{
    /// <summary>The chosen config first, then each departure it makes removed in turn (only those it makes), then the
    /// design as written (same sizes, every departure off).</summary>
    public static List<NopVariant> EachRemoved(NopConfig chosen)
    {
        var design = new NopConfig();
        var variants = new List<NopVariant> { new("chosen", chosen) };
        if (chosen.Initialisation != design.Initialisation)
            variants.Add(new("− Kaiming init. (uniform)", chosen with { Initialisation = design.Initialisation }));
        if (chosen.PositionHead != design.PositionHead)
            variants.Add(new("− soft-argmax head (fc)", chosen with { PositionHead = design.PositionHead }));
        if (chosen.DetachProposal)
            variants.Add(new("− detached proposal", chosen with { DetachProposal = false }));
        if (chosen.PretrainEpochs > 0)
            variants.Add(new("− pre-training", chosen with { PretrainEpochs = 0 }));
        if (chosen.PretrainEpochs > 0 && chosen.FreezeSharedAfterPretraining)
            variants.Add(new("− freezing after it", chosen with { FreezeSharedAfterPretraining = false }));
        if (chosen.PretrainEpochs > 0 && chosen.FreezeExplainerAfterPretraining)
            variants.Add(new("− freezing the explainer", chosen with { FreezeExplainerAfterPretraining = false }));
        if (chosen.PretrainEpochs > 0 && chosen.PretrainSoftNames)
            variants.Add(new("− soft names (Gumbel)", chosen with { PretrainSoftNames = false }));
        if (chosen.PretrainEpochs > 0 && chosen.ProposalPrior != design.ProposalPrior)
            variants.Add(new("− contrast proposals", chosen with { ProposalPrior = design.ProposalPrior }));
        if (chosen.PretrainEpochs > 0 && chosen.ProposalsPerImage > 1)
            variants.Add(new("− proposals per scene (1)", chosen with { ProposalsPerImage = 1 }));
        if (chosen.ProposerFromExplainer)
            variants.Add(new("− Attention₀ from Attention₁", chosen with { ProposerFromExplainer = false }));
        if (chosen.QueryKind != design.QueryKind)   // a Gaussian query cannot start as Attention₁'s copy
            variants.Add(new("− category query (Gaussian)", chosen with
            {
                QueryKind = design.QueryKind, QueryDim = design.QueryDim, ProposerFromExplainer = false,
            }));
        if (chosen.ProposerL2Weight != design.ProposerL2Weight)
            variants.Add(new($"− L2 weight {chosen.ProposerL2Weight:0.##} (1)", chosen with { ProposerL2Weight = design.ProposerL2Weight }));
        if (chosen.NameInput != design.NameInput)
            variants.Add(new("− shading names (colour)", chosen with { NameInput = design.NameInput }));
        if (chosen.UsageWeight > 0)
            variants.Add(new("− usage term", chosen with { UsageWeight = 0 }));
        variants.Add(new("the design as written", design with
        {
            CanvasSize = chosen.CanvasSize, InChannels = chosen.InChannels,
            QueryDim = chosen.QueryKind == QueryKind.Category ? design.QueryDim : chosen.QueryDim, Categories = chosen.Categories,
        }));
        return variants;
    }

    /// <summary>The table's header line.</summary>
    public static string Header =>
        $"{"variant",-28} {"on object",9} {"untrained",9} {"purity",7} {"NMI",6} {"refind q₁/q₂",13} {"objects",7} " +
        $"{"L1",8} {"L2",8} {"σ₀",5} {"names",5}";

    /// <summary>One row: the trained learner's held-out figures beside the untrained learner's hit rate.</summary>
    public static string Row(string name, NopEvaluation trained, NopEvaluation untrained) =>
        $"{name,-28} {trained.HitRate,9:P1} {untrained.HitRate,9:P1} {trained.Purity,7:P1} {trained.Nmi,6:F3} " +
        $"{$"{trained.RefindQ1:P0}/{trained.RefindQ2:P0}",13} {trained.ObjectsFound,7:F2} {trained.MeanL1,8:E1} {trained.MeanL2,8:E1} " +
        $"{trained.Sigma0,5:F2} {trained.CategoriesUsed,5}";
}

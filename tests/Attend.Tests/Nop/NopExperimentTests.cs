// The NoP-Learner's experiment runner: the ablation's shared phase 1 gives every variant the numbers of its own
// separate run, the key tells apart what phase 1 reads, and evaluating only the last epoch leaves training unchanged.
using Attend.Data;
using Attend.Nop;

namespace Attend.Tests.Nop;

public class NopExperimentTests
{
    static readonly NopConfig Chosen = NopPresets.Learning(64, 3, pretrainEpochs: 1);
    static readonly NopSettings Settings = new(Epochs: 2, BatchSize: 4, LearningRate: 1e-3, Seed: 3, EvaluationQueries: 2);

    static void AssertSameEvaluation(NopEvaluation expected, NopEvaluation actual, string what)
    {
        Assert.True(expected.Positions.SequenceEqual(actual.Positions), $"{what}: q₀ positions differ");
        Assert.True(expected.Categories.SequenceEqual(actual.Categories), $"{what}: categories differ");
        Assert.Equal(expected.MeanL1, actual.MeanL1);
        Assert.Equal(expected.MeanL2, actual.MeanL2);
    }

    [Fact]
    public void Phase_1_key_ignores_only_what_acts_after_phase_1()
    {
        var key = ExplainerPretraining.Phase1Key(Chosen);
        Assert.Equal(key, ExplainerPretraining.Phase1Key(Chosen with { FreezeExplainerAfterPretraining = false }));
        Assert.Equal(key, ExplainerPretraining.Phase1Key(Chosen with { DetachProposal = false, ProposerFromExplainer = false }));
        Assert.Equal(key, ExplainerPretraining.Phase1Key(Chosen with { FreezeSharedAfterPretraining = false, ProposerL2Weight = 0.5 }));
        Assert.NotEqual(key, ExplainerPretraining.Phase1Key(Chosen with { UsageWeight = 0 }));
        Assert.NotEqual(key, ExplainerPretraining.Phase1Key(Chosen with { PretrainEpochs = 2 }));
        Assert.NotEqual(key, ExplainerPretraining.Phase1Key(Chosen with { Initialisation = NopInitialisation.Uniform }));
    }

    [Fact]
    public void Variants_sharing_a_phase_1_get_the_numbers_of_their_own_runs()
    {
        using var train = ShapesScenes.Generate(8, 1, new ShapesOptions(CanvasSize: 64, MinObjects: 1, MaxObjects: 2));
        using var test = ShapesScenes.Generate(6, 2, new ShapesOptions(CanvasSize: 64, MinObjects: 1, MaxObjects: 2));
        var variants = new List<NopVariant>
        {
            new("chosen", Chosen),
            new("thawed", Chosen with { FreezeExplainerAfterPretraining = false, FreezeSharedAfterPretraining = false }),
            new("own proposer", Chosen with { ProposerFromExplainer = false }),
            new("no usage", Chosen with { UsageWeight = 0 }),
        };
        var lines = new List<(string Variant, string Line)>();
        var shared = NopExperiment.RunAll(variants, train, test, Settings, CPU, (v, l) => lines.Add((v, l)));
        Assert.Equal(variants.Select(v => v.Name), shared.Select(r => r.Name));
        // Phase 1 ran for "chosen" and for "no usage" (another key) only; the other two say where theirs came from.
        Assert.Equal(new[] { "chosen", "no usage" }, lines.Where(l => l.Line.StartsWith("pre-training epoch")).Select(l => l.Variant));
        Assert.Equal(new[] { "thawed", "own proposer" }, lines.Where(l => l.Line.StartsWith("phase 1 as for")).Select(l => l.Variant));
        foreach (var (v, (name, run)) in variants.Zip(shared))
        {
            var alone = NopExperiment.Run(v.Config, train, test, Settings, CPU, _ => { });
            AssertSameEvaluation(alone.Pretrained!, run.Pretrained!, $"{name} after phase 1");
            AssertSameEvaluation(alone.Trained, run.Trained, $"{name} after phase 2");
            Assert.Equal(alone.History.Select(e => e.L1), run.History.Select(e => e.L1));
            alone.Learner.Dispose();
        }
        // The proposer that does not start as Attention₁'s copy makes different choices than the one that does.
        Assert.False(shared[0].Run.Pretrained!.Positions.SequenceEqual(shared[2].Run.Pretrained!.Positions));
        foreach (var (_, run) in shared) run.Learner.Dispose();
    }

    [Fact]
    public void Evaluating_only_the_last_epoch_leaves_training_as_it_was()
    {
        using var train = ShapesScenes.Generate(8, 4, new ShapesOptions(CanvasSize: 64, MinObjects: 1, MaxObjects: 2));
        using var test = ShapesScenes.Generate(6, 5, new ShapesOptions(CanvasSize: 64, MinObjects: 1, MaxObjects: 2));
        var config = Chosen with { PretrainEpochs = 0 };
        var each = NopExperiment.Run(config, train, test, Settings, CPU, _ => { });
        var last = NopExperiment.Run(config, train, test, Settings with { EvaluateEachEpoch = false }, CPU, _ => { });
        Assert.All(each.History, e => Assert.NotNull(e.Test));
        Assert.Null(last.History[0].Test);
        Assert.Null(last.Pretrained);
        Assert.Equal(each.History.Select(e => (e.L1, e.L2)), last.History.Select(e => (e.L1, e.L2)));
        AssertSameEvaluation(each.Trained, last.Trained, "last epoch");
        Assert.DoesNotContain("held-out", last.History[0].ToString());
        each.Learner.Dispose();
        last.Learner.Dispose();
    }
}

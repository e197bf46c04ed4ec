// The NoP-Learner's options that depart from the design notes to make it learn: Kaiming initialisation
// (the signal survives), the soft-argmax position head (hand values), the detached proposal (no gradient
// through the target), the pre-training phase (what it trains and what it leaves), freezing (the frozen
// parts do not move), the usage term and the evaluation's μ₀ spread (hand values).
using Attend.Data;
using Attend.Nop;

namespace Attend.Tests.Nop;

public class NopLearningOptionsTests
{
    static readonly NopConfig Small = new() { CanvasSize = 64, InChannels = 3 };

    static double Mu0SpreadAcrossImages(NopLearner m, Tensor x)
    {
        using var _ = NewDisposeScope();
        var g = new Generator(1);
        using var o = m.call(x, m.SampleQuery(x.shape[0], g), g);
        return o.Q0.narrow(1, 0, 2).std(0).mean().item<float>();
    }

    [Fact]
    public void Kaiming_initialisation_zeroes_biases_keeps_the_spread_identity_and_lets_the_image_reach_the_position()
    {
        var x = rand(8, 3, 64, 64);
        manual_seed(1);
        using var uniform = new NopLearner(Small);
        manual_seed(1);
        using var kaiming = new NopLearner(Small with { Initialisation = NopInitialisation.KaimingNormal, ReceptiveField = 3 });
        foreach (var (name, p) in kaiming.named_parameters())
            if (name.EndsWith("bias")) Assert.Equal(0, p.abs().max().item<float>());
        var fc1 = kaiming.named_parameters().Single(t => t.name == "positioner.fc1.weight").parameter;
        Assert.InRange(fc1.std().item<float>(), 0.8 * Math.Sqrt(2.0 / 256), 1.2 * Math.Sqrt(2.0 / 256));
        var spread = kaiming.named_parameters().Single(t => t.name == "attention0.spread.weight").parameter;
        Assert.Equal(16, spread.sum().item<float>(), 5);   // still the identity: one 1 per channel at the centre
        double before = Mu0SpreadAcrossImages(uniform, x);
        double after = Mu0SpreadAcrossImages(kaiming, x);
        Assert.True(after > 100 * before, $"μ₀'s spread across images: uniform {before:E2}, Kaiming {after:E2}");
    }

    [Fact]
    public void Soft_argmax_gives_the_expected_cell_centre()
    {
        var flat = zeros(1, 1, 4, 4);
        TestTorch.Close(zeros(1, 2), Positioner.SoftArgmax(flat), 1e-6, "equal scores: the canvas centre");
        var peaked = zeros(1, 1, 4, 4);
        peaked[0, 0, 1, 3] = 100f;   // row 1, column 3
        TestTorch.Close(tensor(new[] { 0.75f, -0.25f }).view(1, 2), Positioner.SoftArgmax(peaked), 1e-5, "x = (2·3 + 1)/4 − 1, y = (2·1 + 1)/4 − 1");
        var two = zeros(1, 1, 4, 4);
        two[0, 0, 0, 0] = 100f; two[0, 0, 3, 3] = 100f;
        TestTorch.Close(zeros(1, 2), Positioner.SoftArgmax(two), 1e-5, "two equal peaks: their midpoint");

        manual_seed(2);
        using var m = new NopLearner(Small with { PositionHead = PositionHead.SoftArgmax });
        using var g = new Generator(2);
        using var o = m.call(rand(3, 3, 64, 64), m.SampleQuery(3, g), g);
        Assert.Equal(new long[] { 3, 4 }, o.Q0.shape);
        Assert.True(o.Q0.narrow(1, 0, 2).abs().le(15.0 / 16).all().item<bool>(), "μ stays within the outermost cell centres");
    }

    [Fact]
    public void A_detached_proposal_gives_the_same_l1_but_no_gradient_through_q0()
    {
        manual_seed(3);
        using var m = new NopLearner(Small with { DetachProposal = true, Initialisation = NopInitialisation.KaimingNormal });
        using var g = new Generator(3);
        using var o = m.call(rand(4, 3, 64, 64), m.SampleQuery(4, g), g);
        TestTorch.Close(o.L1, o.L1Explainer, 1e-6, "same value");
        var a0 = m.Attention0Set().Cast<Tensor>().ToList();
        var viaTarget = autograd.grad(new[] { o.L1Explainer.mean() }, a0, retain_graph: true, allow_unused: true);
        Assert.All(viaTarget, t => Assert.True(t is null || t.IsInvalid || t.abs().max().item<float>() == 0, "the detached q₀ passed a gradient"));
        var viaL1 = autograd.grad(new[] { o.L1.mean() }, a0, allow_unused: true);
        Assert.Contains(viaL1, t => t is not null && !t.IsInvalid && t.abs().max().item<float>() > 0);
    }

    [Fact]
    public void With_a_detached_proposal_and_usage_term_each_set_gets_its_own_objective()
    {
        var config = Small with { DetachProposal = true, UsageWeight = 0.5, Initialisation = NopInitialisation.KaimingNormal };
        manual_seed(4);
        using var m = new NopLearner(config);
        NopTests.AssertStepGivesEachSetItsObjective(m, rand(4, 3, 64, 64),
            o => o.L1Explainer.mean() - 0.5 * NopTraining.CategoryUsage(o.Logits), "localisation set: ∂(L1 with sg(q₀) − usage)");
    }

    [Fact]
    public void With_a_smaller_l2_weight_attention_0_descends_l1_minus_w_l2()
    {
        var config = Small with { DetachProposal = true, ProposerL2Weight = 0.25, Initialisation = NopInitialisation.KaimingNormal };
        manual_seed(12);
        using var m = new NopLearner(config);
        NopTests.AssertStepGivesEachSetItsObjective(m, rand(4, 3, 64, 64), o => o.L1Explainer.mean(), "localisation set: ∂L1 with sg(q₀)");
        Assert.Throws<ArgumentException>(() => new NopLearner(Small with { ProposerL2Weight = -1 }));
    }

    [Fact]
    public void Usage_entropy_and_usage_term_by_hand()
    {
        Assert.Equal(Math.Log(16), NopTraining.CategoryUsageEntropy(zeros(5, 16)).item<float>(), 5);
        var one = full(5, 16, -50f);
        one[.., 3] = 50f;
        Assert.Equal(0, NopTraining.CategoryUsageEntropy(one).item<float>(), 5);
        var two = full(4, 2, -50f);
        two[0, 0] = 50f; two[1, 0] = 50f; two[2, 1] = 50f; two[3, 1] = 50f;
        Assert.Equal(Math.Log(2), NopTraining.CategoryUsageEntropy(two).item<float>(), 5);
        // The usage term, H(p̄) − mean H(p): nothing for names that say nothing or say the same, log 2 for two clear names.
        Assert.Equal(0, NopTraining.CategoryUsage(zeros(5, 16)).item<float>(), 5);
        Assert.Equal(0, NopTraining.CategoryUsage(one).item<float>(), 5);
        Assert.Equal(Math.Log(2), NopTraining.CategoryUsage(two).item<float>(), 5);
    }

    [Fact]
    public void Pretraining_trains_the_shared_and_explainer_sets_and_leaves_attention_0_and_2()
    {
        var config = Small with { PretrainEpochs = 1, UsageWeight = 0.1, Initialisation = NopInitialisation.KaimingNormal };
        using var scenes = ShapesScenes.Generate(8, 5, new ShapesOptions(CanvasSize: 64, MinObjects: 1, MaxObjects: 2));
        manual_seed(5);
        using var m = new NopLearner(config);
        var groups = new[] { m.SharedSet().ToList(), m.ExplainerSet().ToList(), m.Attention0Set().ToList(), m.Attention2Set().ToList() };
        var before = groups.Select(s => s.Select(p => p.detach().clone()).ToList()).ToList();
        var history = ExplainerPretraining.Run(m, scenes, new NopSettings(BatchSize: 4, Seed: 5));
        Assert.Single(history);
        Assert.True(double.IsFinite(history[0].L1) && history[0].L1 > 0, $"L1 {history[0].L1}");
        Assert.InRange(history[0].UsageEntropy, 0, Math.Log(16) + 1e-6);
        bool[] changed = groups.Select((s, i) => s.Zip(before[i]).Any(t => !t.First.detach().eq(t.Second).all().item<bool>())).ToArray();
        Assert.Equal(new[] { true, true, false, false }, changed);

        var proposals = ExplainerPretraining.RandomProposals(200, config, new Generator(6), CPU);
        Assert.Equal(new long[] { 200, 4 }, proposals.shape);
        Assert.True(proposals.narrow(1, 0, 2).abs().le(config.ProposalRange).all().item<bool>());
        Assert.True(proposals.narrow(1, 2, 2).eq(config.ProposalSigma).all().item<bool>());
    }

    [Fact]
    public void After_pretraining_a_frozen_preprocessor_and_positioner_do_not_move_in_the_three_objective_phase()
    {
        var config = Small with { PretrainEpochs = 1, FreezeSharedAfterPretraining = true, Initialisation = NopInitialisation.KaimingNormal };
        manual_seed(7);
        using var m = new NopLearner(config);
        Assert.Empty(m.LocalisationSet().Intersect(m.SharedSet()));
        Assert.Equal(m.ExplainerSet(), m.LocalisationSet());
        using var opt = NopTraining.CreateOptimisers(m, 1e-2);
        var shared = m.SharedSet().Select(p => p.detach().clone()).ToList();
        var explainer = m.ExplainerSet().Select(p => p.detach().clone()).ToList();
        var x = rand(4, 3, 64, 64);
        for (int i = 0; i < 2; i++) NopTraining.Step(m, opt, x, new Generator((ulong)i));
        Assert.All(m.SharedSet().Zip(shared), t => Assert.True(t.First.detach().eq(t.Second).all().item<bool>(), "a frozen parameter moved"));
        Assert.Contains(m.ExplainerSet().Zip(explainer), t => !t.First.detach().eq(t.Second).all().item<bool>());
    }

    [Fact]
    public void Bad_curriculum_settings_are_rejected_with_a_message()
    {
        foreach (var bad in new[]
                 {
                     Small with { PretrainEpochs = -1 }, Small with { ProposalSigma = 0.01 }, Small with { ProposalRange = 0 },
                     Small with { UsageWeight = -1 }, Small with { Initialisation = (NopInitialisation)7 },
                     Small with { ProposalsPerImage = 0 }, Small with { PretrainLearningRate = -1e-3 },
                     Small with { QueryKind = QueryKind.Category },   // QueryDim 8 ≠ 16 categories
                     Small with { ProposerFromExplainer = true },     // a Gaussian query cannot use Attention₁'s weights
                     Small with { QueryKind = (QueryKind)5 },
                 })
            Assert.Contains("NopConfig", Assert.Throws<ArgumentException>(() => new NopLearner(bad)).Message);
    }

    [Fact]
    public void A_category_query_is_one_hot_over_the_categories()
    {
        using var m = new NopLearner(Small with { QueryKind = QueryKind.Category, QueryDim = 16 });
        var q = m.SampleQuery(500, new Generator(8))!;
        Assert.Equal(new long[] { 500, 16 }, q.shape);
        Assert.True(q.sum(1).eq(1).all().item<bool>(), "one 1 per row");
        Assert.True(q.eq(0).logical_or(q.eq(1)).all().item<bool>(), "only 0s and 1s");
        Assert.Equal(ScalarType.Float32, q.dtype);
        var perCategory = q.sum(new long[] { 0 }).data<float>().ToArray();   // sum(0) would pick the ScalarType overload
        Assert.True(perCategory.All(n => n > 0), $"500 draws reach every category: {string.Join(",", perCategory)}");
    }

    [Fact]
    public void Phase_1_with_soft_names_and_several_proposals_then_a_copied_proposer_and_a_frozen_explainer()
    {
        var config = Small with
        {
            PretrainEpochs = 1, PretrainSoftNames = true, ProposalsPerImage = 3, PretrainLearningRate = 1e-3, UsageWeight = 0.1,
            QueryKind = QueryKind.Category, QueryDim = 16, ProposerFromExplainer = true,
            FreezeSharedAfterPretraining = true, FreezeExplainerAfterPretraining = true, DetachProposal = true,
            Initialisation = NopInitialisation.KaimingNormal,
        };
        using var scenes = ShapesScenes.Generate(8, 9, new ShapesOptions(CanvasSize: 64, MinObjects: 1, MaxObjects: 2));
        manual_seed(9);
        using var m = new NopLearner(config);
        var (loss, l1, usage) = ExplainerPretraining.Loss(m, scenes.Images.narrow(0, 0, 2), new Generator(9));
        Assert.True(double.IsFinite(loss.item<float>()) && l1.item<float>() > 0 && usage.item<float>() >= 0);
        var a0Before = m.Attention0Set().Select(p => p.detach().clone()).ToList();
        var history = ExplainerPretraining.Run(m, scenes, new NopSettings(BatchSize: 4, Seed: 9));
        Assert.Single(history);
        // Attention₀ now holds Attention₁'s weights, name by name, and no longer its own.
        var a1 = m.Attention1.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in m.Attention0.named_parameters())
            Assert.True(p.detach().eq(a1[name]).all().item<bool>(), $"Attention₀.{name} ≠ Attention₁.{name}");
        Assert.Contains(m.Attention0Set().Zip(a0Before), t => !t.First.detach().eq(t.Second).all().item<bool>());

        // Phase 2 with shared and explainer frozen: no localisation optimiser, only Attention₀ and Attention₂ move.
        Assert.Empty(m.LocalisationSet());
        using var opt = NopTraining.CreateOptimisers(m, 1e-2);
        Assert.Null(opt.Localisation);
        var frozen = m.SharedSet().Concat(m.ExplainerSet()).Select(p => p.detach().clone()).ToList();
        var a0 = m.Attention0Set().Select(p => p.detach().clone()).ToList();
        var x = scenes.Images.narrow(0, 0, 4);
        for (int i = 0; i < 2; i++)
        {
            var (stepL1, stepL2) = NopTraining.Step(m, opt, x, new Generator((ulong)i));
            Assert.True(double.IsFinite(stepL1) && double.IsFinite(stepL2));
        }
        Assert.All(m.SharedSet().Concat(m.ExplainerSet()).Zip(frozen),
                   t => Assert.True(t.First.detach().eq(t.Second).all().item<bool>(), "a frozen parameter moved"));
        Assert.Contains(m.Attention0Set().Zip(a0), t => !t.First.detach().eq(t.Second).all().item<bool>());
    }

    [Fact]
    public void Contrast_proposals_go_where_the_image_differs_from_its_background()
    {
        var config = Small with { ProposalPrior = ProposalPrior.Contrast, ProposalSigma = 0.2 };
        var image = full(1, 3, 8, 8, 0.5f);   // grey background
        image[0, .., 2, 5] = tensor(new[] { 1f, 0f, 0f });   // one red pixel at row 2, column 5
        var proposals = ExplainerPretraining.ContrastProposals(image.repeat(200, 1, 1, 1), config, new Generator(10));
        Assert.Equal(new long[] { 200, 4 }, proposals.shape);
        var atPixel = proposals[.., 0].sub(0.375).abs().lt(1e-6).logical_and(proposals[.., 1].add(0.375).abs().lt(1e-6));
        Assert.True(atPixel.to(float32).mean().item<float>() >= 0.95, "x = (2·5 + 1)/8 − 1, y = (2·2 + 1)/8 − 1");
        Assert.True(proposals[.., 2..].eq(0.2f).all().item<bool>());
        var flat = ExplainerPretraining.ContrastProposals(full(200, 3, 8, 8, 0.5f), config, new Generator(11));
        Assert.True(flat[.., 0].std().item<float>() > 0.3, "a flat image: centres spread over the canvas");
        Assert.True(flat[.., ..2].abs().le(config.ProposalRange + 1e-6).all().item<bool>(), "clamped to ±ProposalRange");
    }

    [Fact]
    public void Nmi_against_another_attribute_by_hand()
    {
        // Two scenes, one query each, two object slots; the glimpses hit object 0 of scene 0 and object 1 of scene 1.
        var e = new NopEvaluation(1, 0.1, 1, 1, 0, 1, 0, 0, new float[8], new long[] { 0, 1 }, new long[] { 3, 5 }, 1);
        Assert.Equal(1, e.NmiAgainst(tensor(new long[,] { { 0, 1 }, { 0, 1 } })), 6);   // names 3, 5 ↔ labels 0, 1
        Assert.Equal(0, e.NmiAgainst(tensor(new long[,] { { 0, 1 }, { 1, 0 } })), 6);   // one label for both
        Assert.Contains("do not match", Assert.Throws<ArgumentException>(() => e.NmiAgainst(zeros(3, 2, int64))).Message);
    }

    [Fact]
    public void The_learning_preset_is_valid_and_ablates_every_departure()
    {
        var preset = NopPresets.Learning(128, 3);
        using (new NopLearner(preset)) { }
        Assert.Equal(14, NopAblation.EachRemoved(preset).Count);   // chosen, 12 departures removed, the design
    }

    [Fact]
    public void Targets_are_met_or_not_at_their_bounds()
    {
        NopEvaluation With(double hit, double nmi, double l1, double sigma, int names, double q1, double q2) =>
            new(hit, 0.09, 0.5, 0.4, nmi, 1, l1, 0.5, new float[4], new long[] { 0 }, new long[] { 0 }, 1)
            { Sigma0 = sigma, CategoriesUsed = names, RefindQ1 = q1, RefindQ2 = q2 };
        var good = NopTargets.Check(With(0.30, 0.1, 1e-2, 0.5, 8, 0.6, 0.5), 0.30);
        Assert.All(good, t => Assert.True(t.Met, t.Name));
        var bad = NopTargets.Check(With(0.29, 0.09, 0.9e-2, 0.51, 7, 0.6, 0.51), 0.30);
        Assert.All(bad, t => Assert.False(t.Met, t.Name));
        var runs = new[] { (0L, With(0.30, 0.1, 1e-2, 0.5, 8, 0.6, 0.5)), (1L, With(0.29, 0.09, 0.9e-2, 0.51, 7, 0.6, 0.51)) };
        var table = NopTargets.Table(runs, 0.30);
        Assert.EndsWith("1 of 2", table.Split('\n')[^1].TrimEnd());
        Assert.Equal(4, table.Split('\n').Length);
        Assert.Throws<ArgumentException>(() => NopTargets.Table(Array.Empty<(long, NopEvaluation)>(), 0.3));
    }

    [Fact]
    public void Mu0_spread_by_hand()
    {
        // Two scenes, two queries: μx = (0, 0.2) and (0.4, 0.6); μy = 0 throughout.
        var positions = new float[] { 0, 0, 0.5f, 0.5f, 0.2f, 0, 0.5f, 0.5f, 0.4f, 0, 0.5f, 0.5f, 0.6f, 0, 0.5f, 0.5f };
        var (images, queries) = NopEvaluation.Mu0Spread(positions, 2, 2);
        Assert.Equal(0.1, images, 6);    // scene means 0.1 and 0.5: std 0.2, averaged with y's 0
        Assert.Equal(0.05, queries, 6);  // within each scene std 0.1, averaged with y's 0
    }

    [Fact]
    public void The_ablation_removes_each_departure_the_chosen_config_makes_and_ends_with_the_design()
    {
        var chosen = Small with { Initialisation = NopInitialisation.KaimingNormal, DetachProposal = true, PretrainEpochs = 2, UsageWeight = 0.1 };
        var variants = NopAblation.EachRemoved(chosen);
        var expected = new[]
        {
            "chosen", "− Kaiming init. (uniform)", "− detached proposal", "− pre-training", "− usage term", "the design as written",
        };
        Assert.Equal(expected, variants.Select(v => v.Name));
        Assert.Equal(chosen, variants[0].Config);
        Assert.Equal(chosen with { PretrainEpochs = 0 }, variants[3].Config);
        Assert.Equal(new NopConfig { CanvasSize = 64, InChannels = 3 }, variants[^1].Config);

        var full = chosen with
        {
            FreezeSharedAfterPretraining = true, FreezeExplainerAfterPretraining = true, PretrainSoftNames = true, ProposalsPerImage = 4,
            QueryKind = QueryKind.Category, QueryDim = 16, ProposerFromExplainer = true, ProposalPrior = ProposalPrior.Contrast,
        };
        var all = NopAblation.EachRemoved(full);
        Assert.Equal(new[]
        {
            "chosen", "− Kaiming init. (uniform)", "− detached proposal", "− pre-training", "− freezing after it", "− freezing the explainer",
            "− soft names (Gumbel)", "− contrast proposals", "− proposals per scene (1)", "− Attention₀ from Attention₁",
            "− category query (Gaussian)",
            "− usage term", "the design as written",
        }, all.Select(v => v.Name));
        foreach (var v in all) using (new NopLearner(v.Config)) { }   // every variant is a valid config
        Assert.Equal(8, all[^1].Config.QueryDim);
        Assert.Equal(QueryKind.Gaussian, all[10].Config.QueryKind);
        Assert.Equal(ProposalPrior.Uniform, all[7].Config.ProposalPrior);
        var headerColumns = NopAblation.Header.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.True(headerColumns >= 11, NopAblation.Header);
    }
    [Fact]
    public void Shading_names_are_colour_blind_standardised_luminance_and_a_one_channel_classifier()
    {
        var config = Small with { NameInput = NameInput.Shading, PretrainEpochs = 1, ProposalsPerImage = 2 };
        manual_seed(2);
        using var m = new NopLearner(config);
        var conv1 = m.named_parameters().Single(t => t.name == "classifier.conv1.weight").parameter;
        Assert.Equal(new long[] { 16, 1, 5, 5 }, conv1.shape);
        // Left half (0.2, 0.4, 0.6), luminance 0.4; right half (0.8, 0.8, 0.8): centred ±0.2, standard deviation 0.2.
        var glimpse = zeros(1, 3, 16, 16);
        glimpse[.., 0, .., ..8] = 0.2f; glimpse[.., 1, .., ..8] = 0.4f; glimpse[.., 2, .., ..8] = 0.6f;
        glimpse[.., .., .., 8..] = 0.8f;
        var named = m.NameInputOf(glimpse);
        Assert.Equal(new long[] { 1, 1, 16, 16 }, named.shape);
        double expected = 0.2 / Math.Sqrt(0.04 + 1e-4);
        Assert.Equal(-expected, named[0, 0, 3, 2].item<float>(), 5);
        Assert.Equal(expected, named[0, 0, 3, 12].item<float>(), 5);
        // Colour-blind: the channels in another order name the same input.
        var swapped = m.NameInputOf(glimpse.index_select(1, tensor(new long[] { 2, 0, 1 })));
        Assert.True(swapped.eq(named).all().item<bool>());
        using var design = new NopLearner(Small);
        Assert.True(design.NameInputOf(glimpse).eq(glimpse).all().item<bool>());

        using var scenes = ShapesScenes.Generate(4, 3, new ShapesOptions(CanvasSize: 64, MinObjects: 1, MaxObjects: 2));
        var g = new Generator(4);
        using var o = m.call(scenes.Images, m.SampleQuery(4, g), g);
        Assert.Equal(new long[] { 4, 3, 16, 16 }, o.Glimpses.shape);   // the outputs keep the colour glimpse for figures
        var (loss, _, _) = ExplainerPretraining.Loss(m, scenes.Images, g);
        Assert.True(double.IsFinite(loss.item<float>()));
        Assert.NotEqual(ExplainerPretraining.Phase1Key(config), ExplainerPretraining.Phase1Key(config with { NameInput = NameInput.Glimpse }));
        Assert.Contains("− shading names (colour)", NopAblation.EachRemoved(config).Select(v => v.Name));
    }
}

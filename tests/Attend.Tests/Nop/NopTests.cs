// NoP-Learner (the NoP design notes): shapes of every part, the localisers differing only in their attention
// units, the three optimisers each changing only their own parameter set, the position KL and the
// supervised localisation loss against closed forms, and cluster scores by hand.
using Attend.Metrics;
using Attend.Nop;

namespace Attend.Tests.Nop;

public class NopTests
{
    static readonly NopConfig Small = new() { CanvasSize = 64, InChannels = 3 };

    [Theory]
    [InlineData(64, 3)]
    [InlineData(128, 3)]
    [InlineData(256, 1)]
    public void Preprocessor_gives_16x16x16_features_and_a_vector_for_every_canvas(int canvas, int channels)
    {
        manual_seed(1);
        var c = new NopConfig { CanvasSize = canvas, InChannels = channels };
        using var p = new Preprocessor(c);
        var (features, vector) = p.call(rand(2, channels, canvas, canvas));
        Assert.Equal(new long[] { 2, 16, 16, 16 }, features.shape);
        Assert.Equal(new long[] { 2, 32 }, vector.shape);
        Assert.Equal(canvas / 64, c.ExtraPool);
    }

    [Fact]
    public void Bad_sizes_are_rejected_with_a_message()
    {
        Assert.Throws<ArgumentException>(() => new NopLearner(new NopConfig { CanvasSize = 100 }));
        Assert.Throws<ArgumentException>(() => new NopLearner(new NopConfig { ReceptiveField = 2 }));
        using var p = new Preprocessor(Small);
        var e = Assert.Throws<ArgumentException>(() => p.call(rand(1, 1, 64, 64)));
        Assert.Contains("images", e.Message);
    }

    [Fact]
    public void Positioner_outputs_positions_inside_the_image_and_sigmas_in_range()
    {
        manual_seed(2);
        foreach (var coord in new[] { true, false })
        {
            using var pos = new Positioner(Small with { CoordConv = coord });
            var q = pos.call(randn(8, 16, 16, 16) * 5);
            Assert.Equal(new long[] { 8, 4 }, q.shape);
            Assert.True(q.narrow(1, 0, 2).abs().le(1).all().item<bool>());
            Assert.True(q.narrow(1, 2, 2).ge(0.05).all().item<bool>() && q.narrow(1, 2, 2).le(1).all().item<bool>());
        }
        // CoordConv adds exactly the x, y channels to the first convolution's inputs.
        using var with = new Positioner(Small);
        using var without = new Positioner(Small with { CoordConv = false });
        Assert.Equal(2 * 16 * 9, with.parameters().Sum(p => p.numel()) - without.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Split_first_convolution_equals_the_convolution_over_18_channels()
    {
        manual_seed(12);
        using var pos = new Positioner(Small);
        var features = randn(5, 16, 16, 16);
        var conv1 = pos.named_children().Single(t => t.name == "conv1").module;
        var w = conv1.named_parameters().Single(p => p.name == "weight").parameter.to_type(ScalarType.Float64);
        var b = conv1.named_parameters().Single(p => p.name == "bias").parameter.to_type(ScalarType.Float64);
        // Reference in float64 on the concatenated input, as the NoP design notes write it.
        var expected = nn.functional.conv2d(Attend.Spatial.CoordConv.Append(features).to_type(ScalarType.Float64), w, b,
                                            padding: new long[] { 1, 1 });
        TestTorch.Close(expected, pos.FirstConvolutionWithCoordinates(features), 1e-4, "split conv1");
        // Many calls stay finite (the unsplit 18-channel convolution did not, now and then).
        using var noGrad = no_grad();
        for (int i = 0; i < 200; i++)
        {
            using var scope = NewDisposeScope();
            Assert.True(pos.call(features).isfinite().all().item<bool>(), $"call {i} gave a non-finite position");
        }
    }

    [Fact]
    public void Attention_units_weight_channels_and_only_inputs_have_mlp1()
    {
        manual_seed(3);
        using var withInput = new AttentionUnit(Small, 5, "A");
        using var noInput = new AttentionUnit(Small, 0, "B");
        Assert.True(withInput.HasMlp1);
        Assert.False(noInput.HasMlp1);
        var features = rand(4, 16, 16, 16);
        var vector = randn(4, 32);
        var (weighted, w) = withInput.call(features, vector, randn(4, 5));
        Assert.Equal(new long[] { 4, 16 }, w.shape);
        Assert.True(w.gt(0).all().item<bool>() && w.lt(2).all().item<bool>());
        TestTorch.Close(features * w.view(4, 16, 1, 1), weighted, 1e-6, "receptive field 1: pure channel weighting");
        Assert.Throws<ArgumentException>(() => noInput.call(features, vector, randn(4, 5)));
        Assert.Throws<ArgumentException>(() => withInput.call(features, vector, null));
        // Receptive field 3 starts as the identity, and a single active pixel then reaches its 3×3 neighbourhood once trained weights move.
        using var rf3 = new AttentionUnit(Small with { ReceptiveField = 3 }, 0, "C");
        var (w3features, w3) = rf3.call(features, vector, null);
        TestTorch.Close(features * w3.view(4, 16, 1, 1), w3features, 1e-6, "receptive field 3 at initialisation");
    }

    [Fact]
    public void Classifier_names_exactly_one_of_16_categories()
    {
        manual_seed(4);
        using var c = new GlimpseClassifier(Small);
        var (category, logits) = c.call(rand(6, 3, 16, 16), new Generator(4));
        Assert.Equal(new long[] { 6, 16 }, category.shape);
        Assert.Equal(new long[] { 6, 16 }, logits.shape);
        TestTorch.Close(ones(6), category.sum(1), 1e-6, "one-hot");
        Assert.True(category.eq(0).logical_or(category.eq(1)).all().item<bool>());
    }

    [Fact]
    public void Learner_forward_shapes_and_losses()
    {
        manual_seed(5);
        using var m = new NopLearner(Small);
        using var g = new Generator(5);
        var x = rand(3, 3, 64, 64);
        using var o = m.call(x, m.SampleQuery(3, g), g);
        foreach (var q in new[] { o.Q0, o.Q1, o.Q2 }) Assert.Equal(new long[] { 3, 4 }, q.shape);
        Assert.Equal(new long[] { 3, 3, 16, 16 }, o.Glimpses.shape);
        Assert.Equal(new long[] { 3 }, o.L1.shape);
        TestTorch.Close(NopLearner.PositionKl(o.Q0, o.Q1), o.L1, 1e-6, "L1 = KL(q0‖q1)");
        TestTorch.Close(NopLearner.PositionKl(o.Q0, o.Q2), o.L2, 1e-6, "L2 = KL(q0‖q2)");
        Assert.True(o.L1.ge(0).all().item<bool>() && o.L2.ge(0).all().item<bool>());
    }

    [Fact]
    public void Position_kl_matches_the_seeds_closed_form()
    {
        var qa = tensor(new float[] { 0.2f, -0.1f, 0.3f, 0.5f }).view(1, 4);
        var qb = tensor(new float[] { -0.4f, 0.1f, 0.6f, 0.25f }).view(1, 4);
        static double Kl(double m0, double s0, double m1, double s1)
            => 0.5 * (s0 * s0 / (s1 * s1) - 1 - Math.Log(s0 * s0 / (s1 * s1)) + (m0 - m1) * (m0 - m1) / (s1 * s1));
        Assert.Equal(Kl(0.2, 0.3, -0.4, 0.6) + Kl(-0.1, 0.5, 0.1, 0.25), NopLearner.PositionKl(qa, qb).item<float>(), 5);
        Assert.Equal(0, NopLearner.PositionKl(qa, qa).item<float>(), 6);
    }

    [Fact]
    public void Each_optimiser_changes_only_its_own_parameter_set()
    {
        manual_seed(6);
        using var m = new NopLearner(Small);
        using var opt = NopTraining.CreateOptimisers(m, 1e-2);
        var sets = new[] { m.LocalisationSet().ToList(), m.Attention2Set().ToList(), m.Attention0Set().ToList() };
        Assert.Equal(m.parameters().Count(), sets.Sum(s => s.Count));
        var x = rand(4, 3, 64, 64);
        var optimisers = new[] { opt.Localisation!, opt.Attention2, opt.Attention0 };
        for (int which = 0; which < 3; which++)
        {
            var before = sets.Select(s => s.Select(p => p.detach().clone()).ToList()).ToList();
            // Every parameter gets a gradient (L1 + L2 reaches all three sets); only one optimiser steps.
            var g = new Generator(7);
            using var o = m.call(x, m.SampleQuery(4, g), g);
            foreach (var each in optimisers) each.zero_grad();
            (o.L1.mean() + o.L2.mean()).backward();
            Assert.All(sets, set => Assert.Contains(set, p => p.grad is not null && p.grad.abs().max().item<float>() > 0));
            optimisers[which].step();
            for (int s = 0; s < 3; s++)
            {
                bool changed = sets[s].Zip(before[s]).Any(t => !t.First.detach().eq(t.Second).all().item<bool>());
                Assert.True(changed == (s == which), $"after stepping optimiser {which}, set {s} {(changed ? "changed" : "did not change")}");
            }
        }
    }

    [Fact]
    public void A_step_gives_each_set_the_gradient_of_its_own_objective()
    {
        manual_seed(8);
        using var m = new NopLearner(Small);
        using var opt = NopTraining.CreateOptimisers(m, 1e-3);
        var x = rand(4, 3, 64, 64);
        for (int i = 0; i < 3; i++) NopTraining.Step(m, opt, x, new Generator((ulong)i));   // so the localisers disagree
        AssertStepGivesEachSetItsObjective(m, x, o => o.L1.mean(), "localisation set: ∂L1");
    }

    /// <summary>NopTraining.Step's gradients equal plain backward passes of each set's objective (with the same query
    /// and Gumbel noise): <paramref name="localisationLoss"/> for the localisation set, L2 for Attention₂, L1 − w·L2 for Attention₀.</summary>
    internal static void AssertStepGivesEachSetItsObjective(NopLearner m, Tensor x, Func<NopOutputs, Tensor> localisationLoss, string what)
    {
        long n = x.shape[0];
        Tensor[] Expected(Func<NopOutputs, Tensor> loss, IEnumerable<TorchSharp.Modules.Parameter> set)
        {
            m.zero_grad();
            var g = new Generator(9);
            using var o = m.call(x, m.SampleQuery(n, g), g);
            loss(o).backward();
            return set.Select(p => p.grad is null ? zeros_like(p) : p.grad.clone()).ToArray();
        }
        var a = Expected(localisationLoss, m.LocalisationSet());
        var b = Expected(o => o.L2.mean(), m.Attention2Set());
        var c = Expected(o => o.L1.mean() - m.Config.ProposerL2Weight * o.L2.mean(), m.Attention0Set());
        foreach (var each in new[] { a, b, c }) Assert.Contains(each, t => t.abs().max().item<float>() > 0);
        // Step with zero learning rates leaves the parameters, so its gradients can be read back.
        using var still = new NopOptimisers(optim.Adam(m.LocalisationSet(), 1e-30), optim.Adam(m.Attention2Set(), 1e-30),
                                            optim.Adam(m.Attention0Set(), 1e-30));
        NopTraining.Step(m, still, x, new Generator(9));
        void Same(Tensor[] expected, IEnumerable<TorchSharp.Modules.Parameter> set, string name)
        {
            var actual = set.Select(p => p.grad!).ToArray();
            for (int i = 0; i < expected.Length; i++) TestTorch.Close(expected[i], actual[i], 1e-5, name);
        }
        Same(a, m.LocalisationSet(), what);
        Same(b, m.Attention2Set(), "Attention2: ∂L2");
        Same(c, m.Attention0Set(), "Attention0: ∂(L1 − L2)");
    }

    [Fact]
    public void Gaussian_nll_matches_its_closed_form()
    {
        var q = tensor(new float[] { 0.1f, -0.2f, 0.3f, 0.5f }).view(1, 4);
        var t = tensor(new float[] { 0.4f, 0.2f }).view(1, 2);
        double expected = Math.Log(0.3) + 0.3 * 0.3 / (2 * 0.09) + Math.Log(0.5) + 0.4 * 0.4 / (2 * 0.25);
        Assert.Equal(expected, LocaliserTraining.GaussianNll(q, t).item<float>(), 5);
    }

    [Fact]
    public void Cluster_scores_by_hand()
    {
        long[] cats = { 0, 0, 0, 1, 1, 2 };
        long[] labels = { 5, 5, 7, 7, 7, 5 };
        Assert.Equal(5.0 / 6, ClusterScores.Purity(cats, labels), 10);
        // Perfect agreement up to renaming: NMI 1; independent: 0.
        Assert.Equal(1, ClusterScores.NormalisedMutualInformation(new long[] { 0, 0, 1, 1 }, new long[] { 9, 9, 3, 3 }), 10);
        Assert.Equal(0, ClusterScores.NormalisedMutualInformation(new long[] { 0, 1, 0, 1 }, new long[] { 4, 4, 6, 6 }), 10);
        // By hand: H(c) = H(1/2,1/3,1/6), H(l) = ln 2, I = Σ p log p/(pc pl).
        double hc = -(0.5 * Math.Log(0.5) + 1.0 / 3 * Math.Log(1.0 / 3) + 1.0 / 6 * Math.Log(1.0 / 6));
        double hl = Math.Log(2);
        double mi = 2.0 / 6 * Math.Log((2.0 / 6) / (0.5 * 0.5)) + 1.0 / 6 * Math.Log((1.0 / 6) / (0.5 * 0.5))
                    + 2.0 / 6 * Math.Log((2.0 / 6) / (1.0 / 3 * 0.5)) + 1.0 / 6 * Math.Log((1.0 / 6) / (1.0 / 6 * 0.5));
        Assert.Equal(2 * mi / (hc + hl), ClusterScores.NormalisedMutualInformation(cats, labels), 10);
        Assert.Throws<ArgumentException>(() => ClusterScores.Purity(cats, labels.Take(3).ToArray()));
    }
}

public class ObjectGlimpseTests
{
    [Fact]
    public void Each_object_gives_one_glimpse_cut_at_its_box()
    {
        // One 8×8 scene whose single object is a bright 4×4 square at pixels 2..5; one empty slot.
        var images = zeros(1, 1, 8, 8);
        images[0, 0, 2..6, 2..6] = 1f;
        var scenes = new Attend.Data.SceneSet(images, tensor(new long[] { 1 }), tensor(new float[,] { { 2, 2, 6, 6 }, { 0, 0, 0, 0 } }).unsqueeze(0),
                                              tensor(new long[,] { { 7, -1 } }), Enumerable.Range(0, 10).Select(i => i.ToString()).ToList(),
                                              description: "one square");
        var (glimpses, labels) = Attend.Nop.LocalisationTasks.ObjectGlimpses(scenes, size: 4);
        Assert.Equal(new long[] { 1, 1, 4, 4 }, glimpses.shape);
        Assert.Equal(new long[] { 7 }, labels);
        // The box's centre (4, 4) is (0, 0) in normalised coordinates and its half width 4/8: the window is the square.
        TestTorch.Close(ones(1, 1, 4, 4), glimpses, 1e-6, "glimpse of the square");
        TestTorch.Close(tensor(new float[,] { { 0, 0 } }), Attend.Nop.LocalisationTasks.BoxCentres(tensor(new float[,] { { 2, 2, 6, 6 } }), 8), 1e-7);
    }
}

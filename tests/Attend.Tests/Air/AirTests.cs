// AIR (the AIR reimplementation notes): shapes, the split first layer, the initialisation, each loss term against its
// closed form, the delayed mask, the separation of model and baseline gradients, learning on a
// tiny batch, reproducibility and checkpoints.
using Attend.Air;
using Attend.Data;
using Attend.Nn;
using Attend.Spatial;

namespace Attend.Tests.Air;

public class AirTests
{
    static readonly AirConfig Config = new();

    static Tensor Scenes(int n, ulong seed) => rand(new long[] { n, 1, 50, 50 }, generator: new Generator(seed));

    /// <summary>Scenes with about 7 % of their pixels inked (the rest exactly 0).</summary>
    internal static Tensor InkedScenes(int n, ulong seed)
    {
        var g = new Generator(seed);
        var ink = rand(new long[] { n, 1, 50, 50 }, generator: g);
        return rand(new long[] { n, 1, 50, 50 }, generator: g) * ink.gt(0.93);
    }

    [Fact]
    public void Inference_has_the_documented_shapes()
    {
        manual_seed(1);
        using var model = new AirModel();
        using var r = model.call(Scenes(5, 1), new Generator(2));
        Assert.Equal(new long[] { 5, 3 }, r.ZPres.shape);
        Assert.Equal(new long[] { 5, 3 }, r.ProbPres.shape);
        Assert.Equal(new long[] { 5, 3 }, r.MaskDelay.shape);
        Assert.Equal(new long[] { 5, 3 }, r.PresLogLikelihood.shape);
        Assert.Equal(new long[] { 5, 3 }, r.Baseline.shape);
        Assert.Equal(new long[] { 5, 3, 3 }, r.ZWhere.shape);
        Assert.Equal(new long[] { 5, 3, 3 }, r.LogVarWhere.shape);
        Assert.Equal(new long[] { 5, 3, 20 }, r.ZWhat.shape);
        Assert.Equal(new long[] { 5, 3, 20 }, r.LogVarWhat.shape);
        Assert.Null(r.Pasted);   // the default pastes and sums in one pass
        Assert.Equal(new long[] { 5, 1, 50, 50 }, r.Reconstruction.shape);
        Assert.Equal(new long[] { 5 }, r.Counts.shape);
        Assert.Equal(ScalarType.Int64, r.Counts.dtype);
        manual_seed(1);
        using var separable = new AirModel(new AirConfig { PasteSampling = WhereSampling.Separable });
        using var kept = separable.call(Scenes(5, 1), new Generator(2));
        Assert.Equal(new long[] { 5, 3, 50, 50 }, kept.Pasted!.shape);
        // The pasted windows, weighted by z_pres and summed, are the reconstruction the one-pass paste gives.
        TestTorch.Close(r.Reconstruction, (kept.ZPres.unsqueeze(2).unsqueeze(3) * kept.Pasted).sum(1, keepdim: true), 1e-5, "reconstruction");
    }

    [Fact]
    public void Checkpoints_hold_each_parameter_once_under_its_usual_name()
    {
        using var model = new AirModel();
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(names.OrderBy(n => n), model.state_dict().Keys.OrderBy(n => n));
        Assert.Contains("vae.encoder.0.weight", names);
        Assert.Equal(names.Count, model.parameters().Select(p => p.Handle).Distinct().Count());
    }

    [Fact]
    public void Wrong_scene_shape_is_rejected_with_its_name()
    {
        using var model = new AirModel();
        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 1, 28, 28), null));
        Assert.Contains("scenes", e.Message);
        Assert.Throws<ArgumentException>(() => new AirModel(new AirConfig { PriorPresProbability = 1 }));
    }

    [Fact]
    public void Split_first_layer_computes_the_seeds_concatenated_layer()
    {
        manual_seed(3);
        using var rnn = new InferenceRnn(Config, baseline: true);   // the baseline: random output weights
        var x = Scenes(4, 3);
        var z = randn(4, Config.ZDim);
        var h = randn(4, Config.RnnHidden);
        var (headSplit, hiddenSplit) = rnn.Step(rnn.ImageTerm(x.reshape(4, -1)), z, h);
        var (headFull, hiddenFull) = rnn.call(x, z, h);
        TestTorch.Close(headFull, headSplit, 1e-5, "head");
        TestTorch.Close(hiddenFull, hiddenSplit, 1e-5, "hidden state");
        Assert.Equal(1, rnn.HeadSize);
    }

    [Fact]
    public void The_notes_form_holds_one_first_layer_weight_initialised_as_the_split_form_and_refuses_the_image_term()
    {
        manual_seed(3);
        using var split = new InferenceRnn(Config, baseline: true);
        manual_seed(3);
        using var notes = new InferenceRnn(Config with { ImageTermOnce = false }, baseline: true);
        var splitWeights = split.parameters().Take(2).ToList();
        var oneWeight = notes.parameters().First();
        Assert.Equal(new long[] { Config.RnnHidden, Config.PixelCount + Config.ZDim + Config.RnnHidden }, oneWeight.shape);
        Assert.Equal(new long[] { Config.PixelCount, Config.RnnHidden }, splitWeights[0].shape);   // the image columns, transposed
        Assert.True(oneWeight.equal(cat(new Tensor[] { splitWeights[0].t(), splitWeights[1] }, 1)).all().item<bool>());
        var x = Scenes(2, 3);
        var e = Assert.Throws<InvalidOperationException>(() => notes.ImageTerm(x.reshape(2, -1)));
        Assert.Contains("ImageTermOnce", e.Message);
        TestTorch.Close(split.call(x, zeros(2, Config.ZDim), zeros(2, Config.RnnHidden)).Head,
                        notes.call(x, zeros(2, Config.ZDim), zeros(2, Config.RnnHidden)).Head, 1e-6, "the notes' form's head");
    }

    [Fact]
    public void Inference_network_starts_at_the_seeds_distribution_parameters()
    {
        manual_seed(4);
        using var rnn = new InferenceRnn(Config, baseline: false);
        var (head, _) = rnn.call(Scenes(3, 4), randn(3, Config.ZDim), randn(3, Config.RnnHidden));
        var expected = tensor(new float[] { 2, 3, 0, 0, -3, -3, -3 }).expand(3, 7);
        TestTorch.Close(expected, head, 1e-6, "initial ω (p_pres logit, μ_where, log σ²_where)");
    }

    [Fact]
    public void Decoder_starts_out_drawing_nearly_empty_windows()
    {
        manual_seed(5);
        using var vae = new WhatVae(Config);
        var window = vae.Decode(randn(16, 20));
        Assert.Equal(new long[] { 16, 1, 24, 24 }, window.shape);
        // sigmoid(−3) ≈ 0.047: the bias dominates an untrained decoder's output.
        Assert.InRange(window.mean().item<float>(), 0.03, 0.08);
        Assert.True(window.min().item<float>() > 0 && window.max().item<float>() < 1);
    }

    /// <summary>A hand-built inference: one scene, two steps used (z_pres 1, 0), known parameters.</summary>
    static AirInference HandBuilt(Tensor reconstruction) => new()
    {
        ZPres = tensor(new float[] { 1, 0, 0 }).view(1, 3),
        ProbPres = tensor(new float[] { 0.5f, 0.2f, 0.9f }).view(1, 3),
        MaskDelay = tensor(new float[] { 1, 1, 0 }).view(1, 3),
        PresLogLikelihood = tensor(new float[] { -0.7f, -0.2f, 0 }).view(1, 3),
        ZWhere = zeros(1, 3, 3),
        MuWhere = tensor(new float[] { 3, 0, 0, 2.5f, 0.5f, -1, 9, 9, 9 }).view(1, 3, 3),
        LogVarWhere = tensor(new float[] { MathF.Log(0.01f), 0, 0, MathF.Log(0.04f), 0, MathF.Log(2), 5, 5, 5 }).view(1, 3, 3),
        ZWhat = zeros(1, 3, 20),
        MuWhat = cat(new[] { zeros(1, 1, 20), full(1, 1, 20, 0.5f), full(1, 1, 20, 7f) }, 1),
        LogVarWhat = cat(new[] { zeros(1, 1, 20), full(1, 1, 20, MathF.Log(0.5f)), full(1, 1, 20, 3f) }, 1),
        Baseline = tensor(new float[] { 10, 4, 0 }).view(1, 3),
        Pasted = zeros(1, 3, 50, 50),
        Reconstruction = reconstruction,
    };

    static double GaussKl(double muQ, double varQ, double muP, double varP)
        => 0.5 * (varQ / varP - 1 - Math.Log(varQ / varP) + (muQ - muP) * (muQ - muP) / varP);

    static double BernKl(double q, double p) => q * Math.Log(q / p) + (1 - q) * Math.Log((1 - q) / (1 - p));

    [Fact]
    public void Loss_terms_match_their_closed_forms()
    {
        var x = zeros(1, 1, 50, 50); x[0, 0, 10, 10] = 1; x[0, 0, 20, 30] = 0.5f;
        var recon = zeros(1, 1, 50, 50); recon[0, 0, 10, 10] = 0.25f;
        using var r = HandBuilt(recon);
        using var l = AirLoss.Compute(x, r, Config);

        // Steps 0 and 1 count (mask 1, 1, 0); step 2's absurd parameters must not leak in.
        double klStep0 = BernKl(0.5, 0.01) + 0 + 0;                                  // where at its prior, what = N(0, 1)
        double klStep1 = BernKl(0.2, 0.01)
                         + GaussKl(2.5, 0.04, 3, 0.01) + GaussKl(0.5, 1, 0, 1) + GaussKl(-1, 2, 0, 1)
                         + 20 * GaussKl(0.5, 0.5, 0, 1);
        Assert.Equal(0.7 * (klStep0 + klStep1), l.KlDivergence.item<float>(), 3);

        double nll = 0.5 / 0.36 * (0.75 * 0.75 + 0.5 * 0.5);
        Assert.Equal(nll, l.Nll.item<float>(), 4);
        double reinforce = (nll - 10) * -0.7 + (nll - 4) * -0.2;
        Assert.Equal(reinforce, l.Reinforce.item<float>(), 4);
        double baseline = (10 - nll) * (10 - nll) + (4 - nll) * (4 - nll);
        Assert.Equal(baseline, l.Baseline.item<float>(), 3);
        Assert.Equal(0.7 * (klStep0 + klStep1) + nll + reinforce + baseline, l.Total.item<float>(), 2);
    }

    [Fact]
    public void Bernoulli_log_probability_and_kl_edge_cases()
    {
        var p = tensor(new float[] { 0.25f, 0.25f, 0f, 1f });
        var z = tensor(new float[] { 1, 0, 0, 1 });
        var lp = AirModel.BernoulliLogProb(p, z).data<float>().ToArray();
        Assert.Equal(Math.Log(0.25), lp[0], 5);
        Assert.Equal(Math.Log(0.75), lp[1], 5);
        Assert.True(lp[2] > -1e-6 && lp[3] > -1e-6);                 // certain outcomes: log 1, finite
        // d/dp: z/p − (1 − z)/(1 − p), the REINFORCE term's path to p_pres.
        var pg = tensor(new float[] { 0.25f, 0.25f }).requires_grad_();
        AirModel.BernoulliLogProb(pg, tensor(new float[] { 1, 0 })).sum().backward();
        Assert.Equal(4, pg.grad![0].item<float>(), 4);
        Assert.Equal(-1 / 0.75, pg.grad![1].item<float>(), 4);
        var kl = KlDivergence.Bernoulli(tensor(new float[] { 0f, 1f }), tensor(new float[] { 0.01f, 0.01f })).data<float>().ToArray();
        Assert.Equal(Math.Log(1 / 0.99), kl[0], 5);                  // q = 0: KL = log 1/(1−p)
        Assert.Equal(Math.Log(1 / 0.01), kl[1], 4);                  // q = 1: KL = log 1/p
    }

    [Fact]
    public void Delayed_mask_stops_everything_after_the_first_absent_object()
    {
        manual_seed(6);
        using var model = new AirModel();
        using var r = model.call(Scenes(64, 6), new Generator(6));
        var pres = r.ZPres;
        var mask = r.MaskDelay;
        Assert.True(mask[.., 0].eq(1).all().item<bool>(), "step 0 always counts");
        for (int i = 1; i < 3; i++)
        {
            Assert.True(mask[.., i].eq(pres[.., i - 1]).all().item<bool>(), $"mask of step {i} is z_pres of step {i - 1}");
            Assert.True(pres[.., i].le(pres[.., i - 1]).all().item<bool>(), "z_pres never returns to 1");
            Assert.True(r.PresLogLikelihood[.., i].masked_select(mask[.., i].eq(0)).eq(0).all().item<bool>(), "no REINFORCE term after a 0");
            Assert.True(r.Baseline[.., i].masked_select(mask[.., i].eq(0)).eq(0).all().item<bool>(), "no baseline after a 0");
        }
        Assert.True(r.Counts.eq(pres.sum(1).to_type(ScalarType.Int64)).all().item<bool>());
        // With p_pres ≈ 0.88 at the start, a batch of 64 holds some of each count.
        Assert.True(pres[.., 0].sum().item<float>() > 0 && mask[.., 2].eq(0).any().item<bool>());
    }

    [Fact]
    public void Absent_objects_add_no_kl_and_draw_nothing()
    {
        manual_seed(7);
        using var model = new AirModel();
        // Force p_pres ≈ 0 at every step: only step 0 is counted, and the canvas stays empty.
        var bias = model.named_parameters().Single(p => p.name == "rnn.output.bias").parameter;
        using (no_grad()) bias[0] = -30f;
        var x = Scenes(4, 7);
        using var r = model.call(x, new Generator(7));
        Assert.True(r.ZPres.eq(0).all().item<bool>());
        TestTorch.Close(tensor(new float[] { 1, 0, 0 }).expand(4, 3), r.MaskDelay, 0);
        Assert.Equal(0, r.Reconstruction.abs().max().item<float>());
        using var l = AirLoss.Compute(x, r, Config);
        // KL = β·(KL_pres + KL_where + KL_what) of step 0 alone.
        var (pm, pv) = AirLoss.PriorWhere(r.MuWhere, Config);
        var step0 = KlDivergence.Bernoulli(r.ProbPres[.., 0], full(4, 0.01f))
                    + KlDivergence.NormalLogVar(r.MuWhere[.., 0], r.LogVarWhere[.., 0], pm[.., 0], pv[.., 0]).sum(1)
                    + KlDivergence.NormalLogVar(r.MuWhat[.., 0], r.LogVarWhat[.., 0], zeros(4, 20), ones(4, 20)).sum(1);
        Assert.Equal(0.7 * step0.mean().item<float>(), l.KlDivergence.item<float>(), 3);
    }

    [Fact]
    public void Baseline_and_model_losses_train_disjoint_parameter_sets()
    {
        manual_seed(8);
        using var model = new AirModel();
        var x = Scenes(8, 8);
        var modelParams = model.ModelParameters().ToList();
        var baselineParams = model.BaselineParameters().ToList();
        Assert.Equal(model.parameters().Count(), modelParams.Count + baselineParams.Count);

        static bool NoGrad(IEnumerable<TorchSharp.Modules.Parameter> ps) => ps.All(p => p.grad is null || p.grad.abs().max().item<float>() == 0);
        static bool SomeGrad(IEnumerable<TorchSharp.Modules.Parameter> ps) => ps.Any(p => p.grad is not null && p.grad.abs().max().item<float>() > 0);

        using (var r = model.call(x, new Generator(8)))
        using (var l = AirLoss.Compute(x, r, Config))
            (l.KlDivergence + l.Nll + l.Reinforce).backward();
        Assert.True(NoGrad(baselineParams), "the model's loss reaches the baseline");
        Assert.True(SomeGrad(modelParams));

        model.zero_grad();
        using (var r = model.call(x, new Generator(8)))
        using (var l = AirLoss.Compute(x, r, Config))
            l.Baseline.backward();
        Assert.True(NoGrad(modelParams), "the baseline's loss reaches the model");
        Assert.True(SomeGrad(baselineParams));
    }

    [Fact]
    public void Reinforce_reaches_the_presence_probability()
    {
        // NLL alone gives p_pres no gradient (z_pres is a sample); only the score-function term does.
        manual_seed(9);
        using var model = new AirModel();
        var x = Scenes(16, 9);
        var presBias = model.named_parameters().Single(p => p.name == "rnn.output.bias").parameter;
        using (var r = model.call(x, new Generator(9)))
        using (var l = AirLoss.Compute(x, r, Config))
            l.Nll.backward();
        Assert.Equal(0, presBias.grad![0].item<float>());
        model.zero_grad();
        using (var r = model.call(x, new Generator(9)))
        using (var l = AirLoss.Compute(x, r, Config))
            l.Reinforce.backward();
        Assert.NotEqual(0, presBias.grad![0].item<float>());
    }

    [Fact]
    public void A_few_steps_on_a_tiny_batch_lower_the_loss()
    {
        manual_seed(10);
        using var model = new AirModel(new AirConfig { LearningRate = 1e-3 });
        using var optimizer = AirTraining.CreateOptimizer(model);
        var (train, _) = Mnist.Load();
        using var scenes = MultiMnist.GenerateAir(train, 16, seed: 10);
        double ModelLoss()
        {
            using var _ = NewDisposeScope();
            using (no_grad())
            {
                // Mean over fixed draws, so the comparison is not decided by sampling noise.
                double sum = 0;
                for (ulong s = 0; s < 4; s++)
                {
                    using var r = model.call(scenes.Images, new Generator(100 + s));
                    using var l = AirLoss.Compute(scenes.Images, r, model.Config);
                    sum += (l.KlDivergence + l.Nll).item<float>();
                }
                return sum / 4;
            }
        }
        double before = ModelLoss();
        var g = new Generator(11);
        for (int step = 0; step < 60; step++)
        {
            using var _ = NewDisposeScope();
            AirTraining.Step(model, optimizer, scenes.Images, g);
        }
        double after = ModelLoss();
        Assert.True(after < 0.9 * before, $"KL + NLL {before:F2} → {after:F2}");
    }

    /// <summary>A network's first-layer gradient as (image columns, state columns), whether it holds two weights or the notes' one.</summary>
    static (Tensor Image, Tensor State) FirstLayerGradients(IEnumerable<TorchSharp.Modules.Parameter> network)
    {
        var first = network.Take(2).ToList();
        int pixels = Config.PixelCount;
        // The split form holds the image columns transposed, [pixels, hidden].
        return first[0].shape[0] == pixels
            ? (first[0].grad!.t().clone(), first[1].grad!.clone())
            : (first[0].grad!.narrow(1, 0, pixels).clone(), first[0].grad!.narrow(1, pixels, first[0].shape[1] - pixels).clone());
    }

    [Theory]
    [InlineData(WhereSampling.Direct, WhereSampling.Direct, true, true)]            // the defaults
    [InlineData(WhereSampling.GridSample, WhereSampling.Separable, true, true)]     // grid_sample crop, separable paste
    [InlineData(WhereSampling.Separable, WhereSampling.Separable, true, true)]      // separable crop and paste
    [InlineData(WhereSampling.Separable, WhereSampling.Direct, false, true)]        // decoded step by step
    [InlineData(WhereSampling.GridSample, WhereSampling.GridSample, false, true)]   // grid_sample, step by step
    [InlineData(WhereSampling.GridSample, WhereSampling.GridSample, false, false)]  // the notes' form: also the first layer on (image, z, h)
    public void Each_speed_switch_gives_the_same_model_function(WhereSampling crop, WhereSampling paste, bool batched, bool imageTermOnce)
    {
        // Mostly background, as AIR's scenes are, so the image terms take the inked-pixel path (the notes' form takes the dense one).
        var x = InkedScenes(6, 21);
        (Tensor Recon, Tensor Loss, Tensor[] Grads) Run(AirConfig config)
        {
            manual_seed(21);
            using var model = new AirModel(config);
            // The head rows of the output layers start at zero, which blocks every gradient into the layers below; a small
            // perturbation opens those paths. It is a function of each weight's value, so it is the same whether the first
            // layer is held as one weight or two.
            using (no_grad())
                foreach (var p in model.parameters()) p.add_(p.mul(7919).cos() * 0.01);
            using var r = model.call(x, new Generator(22));
            using var l = AirLoss.Compute(x, r, model.Config);
            l.Total.backward();
            // The first layers' image and state columns (inference network and baseline) and the decoder's last bias.
            var (image, state) = FirstLayerGradients(model.ModelParameters());
            var (baselineImage, baselineState) = FirstLayerGradients(model.BaselineParameters());
            var grads = new[] { image, state, model.ModelParameters().Last().grad!.clone(), baselineImage, baselineState };
            return (r.Reconstruction.detach().clone(), l.Total.detach().clone(), grads);
        }
        var fast = Run(new AirConfig { CropSampling = crop, PasteSampling = paste, BatchedDecoding = batched, ImageTermOnce = imageTermOnce });
        // The reference: grid_sample crop and paste, decoded as one batch.
        var reference = Run(new AirConfig
        {
            CropSampling = WhereSampling.GridSample, PasteSampling = WhereSampling.GridSample, BatchedDecoding = true,
        });
        Assert.True(fast.Recon.allclose(reference.Recon, rtol: 1e-4, atol: 1e-5), "reconstructions differ");
        Assert.True(fast.Loss.allclose(reference.Loss, rtol: 1e-4, atol: 1e-4), $"loss {fast.Loss.item<float>()} vs {reference.Loss.item<float>()}");
        string[] names = { "inference network's image columns", "inference network's state columns", "decoder's last layer",
                           "baseline's image columns", "baseline's state columns" };
        for (int i = 0; i < names.Length; i++)
        {
            Assert.True(reference.Grads[i].abs().sum().item<float>() > 0, $"the {names[i]} get no gradient");
            Assert.True(fast.Grads[i].allclose(reference.Grads[i], rtol: 1e-3, atol: 1e-5), $"the {names[i]}' gradients differ");
        }
    }

    [Fact]
    public void Step_weight_gradients_once_gives_every_parameter_autograds_gradient()
    {
        var x = Scenes(6, 23);
        Tensor[] Gradients(bool once)
        {
            manual_seed(23);
            using var model = new AirModel(new AirConfig { StepWeightGradientsOnce = once });
            using (no_grad())
                foreach (var p in model.parameters()) p.add_(p.mul(7919).cos() * 0.01);   // opens the zeroed head rows' paths
            using var r = model.call(x, new Generator(24));
            using var l = AirLoss.Compute(x, r, model.Config);
            l.Total.backward();
            return model.parameters().Select(p => p.grad!.clone()).ToArray();
        }
        var expected = Gradients(once: false);
        var actual = Gradients(once: true);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].abs().sum().item<float>() > 0, $"parameter {i} gets no gradient");
            Assert.True(actual[i].allclose(expected[i], rtol: 1e-4, atol: 1e-6), $"parameter {i}'s gradients differ");
        }
    }

    [Fact]
    public void Same_seed_same_training_and_checkpoints_resume_it()
    {
        var (train, _) = Mnist.Load();
        using var scenes = MultiMnist.GenerateAir(train, 40, seed: 12);
        using var dir = new Data.TempDir();
        var settings = new AirSettings(Epochs: 2, BatchSize: 16, Seed: 3, CheckpointEpochs: new[] { 1 });
        List<AirEpoch> Run(string? folder, int startEpoch, string? resumeFrom)
        {
            manual_seed(12);
            using var model = new AirModel();
            using var optimizer = AirTraining.CreateOptimizer(model);
            if (resumeFrom != null) Assert.Equal(1, AirTraining.Resume(resumeFrom, model, optimizer).Epoch);
            return AirTraining.Train(model, optimizer, scenes, scenes, settings, folder, startEpoch);
        }
        var first = Run(dir.Path, 1, null);
        var again = Run(null, 1, null);
        Assert.Equal(first.Select(e => (e.Nll, e.KlDivergence, e.TestCountAccuracy)),
                     again.Select(e => (e.Nll, e.KlDivergence, e.TestCountAccuracy)));
        var saved = AirTraining.CheckpointPath(dir.Path, settings, 1);
        Assert.True(File.Exists(saved));
        Assert.False(File.Exists(AirTraining.CheckpointPath(dir.Path, settings, 2)));
        var resumed = Run(null, 2, saved);
        Assert.Single(resumed);
        Assert.Equal(first[1].Nll, resumed[0].Nll);
        Assert.Equal(first[1].TestCountAccuracy, resumed[0].TestCountAccuracy);
    }
}

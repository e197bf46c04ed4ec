// Maps a NoP-Learner and unlabelled scenes to its pre-training phase, "name this patch so you can find it
// again": glimpses cut at random positions (object-sized σ), named by the classifier, and found again by
// localiser 1 from the name alone (L1 with the random position in q₀'s place), plus the category-usage term.
// It trains the preprocessor, positioner, classifier and Attention₁ before Attention₀ has anything to
// steer, so the three-objective phase starts from names and positions that carry information.
using Attend.Data;
using Attend.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Nop;

public sealed record PretrainEpoch(int Epoch, double L1, double UsageEntropy, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"pre-training epoch {Epoch,2}: L1 {L1,9:E2} on random glimpses, category usage entropy {UsageEntropy:F2} nats ({Elapsed.TotalSeconds:F0} s)";
}

public static class ExplainerPretraining
{
    /// <summary>Random positions [B, 4]: centres ~ U(−r, r)² and σ = ProposalSigma on both axes (config's values).</summary>
    public static Tensor RandomProposals(long batch, NopConfig c, Generator? generator, Device device)
    {
        var centres = (rand(new[] { batch, 2L }, generator: generator, device: device) * 2 - 1) * c.ProposalRange;
        GC.KeepAlive(generator);   // a caller's `new Generator(…)` must not be finalised during the native call
        return WithProposalSigma(centres, c);
    }

    /// <summary>Centres [B, 2] → positions [B, 4] with σ = ProposalSigma on both axes.</summary>
    static Tensor WithProposalSigma(Tensor centres, NopConfig c) =>
        cat(new[] { centres, full(new[] { centres.shape[0], 2L }, c.ProposalSigma, device: centres.device) }, 1);

    /// <summary>Positions [B, 4] drawn where the image differs from its background: a pixel with probability ∝ its L1
    /// distance from the image's per-channel median colour (the background, since objects cover a minority of pixels),
    /// the centre at that pixel (clamped to ±ProposalRange), σ = ProposalSigma. No labels: an unsupervised objectness prior,
    /// so that most of phase 1's glimpses show something to name instead of background.
    /// With <paramref name="perImage"/> > 1 each scene gets that many draws, scene-major ([B·perImage, 4]), from one median.</summary>
    public static Tensor ContrastProposals(Tensor images, NopConfig c, Generator? generator, int perImage = 1)
    {
        using var _ = NewDisposeScope();
        long h = images.shape[2];
        long w = images.shape[3];
        var flat = images.flatten(2);                                       // [B, C, H·W]
        var background = flat.kthvalue(h * w / 2 + 1, 2, keepdim: true).values;   // the median colour: selection, not a sort
        var contrast = (flat - background).abs().sum(1);                    // [B, H·W]
        var weights = contrast + 1e-3 * contrast.mean(new long[] { 1 }, keepdim: true) + 1e-12;   // a flat image: uniform
        var pixel = weights.multinomial(perImage, replacement: true, generator: generator).flatten();
        GC.KeepAlive(generator);
        var column = pixel.remainder(w).to(float32);
        var row = pixel.div(w, rounding_mode: RoundingMode.floor).to(float32);
        var centres = stack(new[] { (2 * column + 1) / w - 1, (2 * row + 1) / h - 1 }, 1).clamp(-c.ProposalRange, c.ProposalRange);
        return WithProposalSigma(centres, c).MoveToOuterDisposeScope();
    }

    /// <summary>Phase 1's loss on a batch: (explainer loss, mean L1, usage entropy). Each scene gets ProposalsPerImage
    /// random glimpses, which share its features; with PretrainSoftNames the name is softmax(logits), not a Gumbel sample.</summary>
    public static (Tensor Loss, Tensor L1, Tensor Usage) Loss(NopLearner model, Tensor images, Generator? generator)
    {
        using var _ = NewDisposeScope();
        var c = model.Config;
        int per = c.ProposalsPerImage;
        var (features, vector) = model.Preprocessor.call(images);
        // Contrast proposals are drawn per scene before the scenes are repeated: one median per scene, not per glimpse.
        var contrast = c.ProposalPrior == ProposalPrior.Contrast ? ContrastProposals(images, c, generator, per) : null;
        if (per > 1)
        {
            images = images.repeat_interleave(per, 0);
            features = features.repeat_interleave(per, 0);
            vector = vector.repeat_interleave(per, 0);
        }
        var proposals = contrast ?? RandomProposals(images.shape[0], c, generator, images.device);
        var named = model.NameInputOf(model.GlimpseAt(images, proposals));
        Tensor category;
        Tensor logits;
        if (c.PretrainSoftNames) { logits = model.Classifier.Logits(named); category = logits.softmax(1); }
        else (category, logits) = model.Classifier.call(named, generator);
        var (q1, _) = model.Localise(model.Attention1, features, vector, category);
        var l1 = NopLearner.PositionKl(proposals, q1);
        var loss = NopTraining.ExplainerLoss(l1, logits, c.UsageWeight);
        return (loss.MoveToOuterDisposeScope(), l1.mean().MoveToOuterDisposeScope(),
                NopTraining.CategoryUsageEntropy(logits).MoveToOuterDisposeScope());
    }

    /// <summary>Phase 1 (<see cref="Train"/>), then, with ProposerFromExplainer, Attention₀ takes Attention₁'s weights
    /// (<see cref="StartProposer"/>).</summary>
    public static List<PretrainEpoch> Run(NopLearner model, IScenes train, NopSettings s, Device? device = null,
                                          Action<PretrainEpoch>? progress = null, CancellationToken cancellation = default,
                                          Action<BatchProgress>? onBatch = null)
    {
        var history = Train(model, train, s, device, progress, cancellation, onBatch);
        StartProposer(model, history.Count > 0);
        return history;
    }

    /// <summary>Runs the config's PretrainEpochs (none when 0) with one Adam (PretrainLearningRate, else the settings' rate)
    /// over the shared and explainer sets; its epochs draw from their own seeded streams. Stops between batches on
    /// cancellation. Attention₀ is left as it was.</summary>
    public static List<PretrainEpoch> Train(NopLearner model, IScenes train, NopSettings s, Device? device = null,
                                            Action<PretrainEpoch>? progress = null, CancellationToken cancellation = default,
                                            Action<BatchProgress>? onBatch = null)
    {
        int epochs = model.Config.PretrainEpochs;
        if (epochs == 0) return new List<PretrainEpoch>();
        device ??= CPU;
        model.to(device);
        var c = model.Config;
        double rate = c.PretrainLearningRate > 0 ? c.PretrainLearningRate : s.LearningRate;
        using var adam = optim.Adam(model.SharedSet().Concat(model.ExplainerSet()), rate);
        var loop = new LoopOptions(epochs, s.BatchSize, s.Seed + TrainingSeeds.NopPretraining, Noise: NoiseStream.Device, Device: device,
                                   Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(model, train.Count, loop, batch =>
        {
            adam.zero_grad();
            var (loss, l1, usage) = Loss(model, batch.Select(train.Images).to(device), batch.Noise);
            loss.backward();
            adam.step();
            batch.Record("L1", l1.item<float>());
            batch.Record("usage", usage.item<float>());
        }, t => new PretrainEpoch(t.Epoch, t.Mean("L1"), t.Mean("usage"), t.Elapsed), progress);
    }

    /// <summary>After a phase 1 (<paramref name="pretrained"/>) with ProposerFromExplainer, Attention₀ takes Attention₁'s weights.</summary>
    public static void StartProposer(NopLearner model, bool pretrained)
    {
        if (pretrained && model.Config.ProposerFromExplainer) CopyAttention(model.Attention1, model.Attention0);
    }

    /// <summary>The config with every setting that acts only after phase 1 (detached proposal, freezing, Attention₀'s start,
    /// L2's weight for Attention₀) at the design's value: two configs with the same key build the same learner and run the
    /// same phase 1, so an ablation can run it once for both.</summary>
    public static NopConfig Phase1Key(NopConfig c)
    {
        var design = new NopConfig();
        return c with
        {
            DetachProposal = design.DetachProposal, FreezeSharedAfterPretraining = design.FreezeSharedAfterPretraining,
            FreezeExplainerAfterPretraining = design.FreezeExplainerAfterPretraining,
            ProposerFromExplainer = design.ProposerFromExplainer, ProposerL2Weight = design.ProposerL2Weight,
        };
    }

    /// <summary>Copies one attention unit's parameters into another of the same shape (no gradient).</summary>
    public static void CopyAttention(AttentionUnit from, AttentionUnit to)
    {
        using var _ = no_grad();
        var source = from.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in to.named_parameters()) p.copy_(source[name]);
    }
}

// Maps a NoP-Learner and unlabelled scenes to the NoP design notes' three-objective training: one forward
// pass gives L1 = KL(q₀‖q₁) and L2 = KL(q₀‖q₂); the localisation set (preprocessor, positioner,
// classifier, Attention₁) descends L1, Attention₂ descends L2 and Attention₀ descends L1 − L2, each
// with its own Adam. Shuffles, queries and Gumbel noise come from generators seeded by (seed, epoch).
using Attend.Data;
using Attend.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.Nop;

/// <summary>LearningRate is the three Adams' rate (<see cref="NopTraining.CreateOptimisers(NopLearner, NopSettings)"/>).
/// EvaluateEachEpoch false evaluates on the held-out scenes after the last epoch only (an ablation needs only that).</summary>
public sealed record NopSettings(int Epochs = 10, int BatchSize = 32, double LearningRate = 1e-3, long Seed = 0, int EvaluationQueries = 4,
                                 bool EvaluateEachEpoch = true);

/// <summary>Test is null for an epoch that was not evaluated (<see cref="NopSettings.EvaluateEachEpoch"/>).</summary>
public sealed record NopEpoch(int Epoch, double L1, double L2, NopEvaluation? Test, TimeSpan Elapsed, double ResidentMb)
{
    public override string ToString() =>
        $"epoch {Epoch,3}: L1 {L1,9:E2}  L2 {L2,9:E2}  " +
        (Test is null ? "" : $"held-out: glimpse on an object {Test.HitRate:P1} (chance {Test.ChanceHitRate:P1}), " +
                             $"purity {Test.Purity:P1}, NMI {Test.Nmi:F3}, objects per image {Test.ObjectsFound:F2}  ") +
        $"({Elapsed.TotalSeconds:F0} s, RSS {ResidentMb:F0} MB)";
}

/// <summary>The three optimisers, one per parameter set.</summary>
public sealed class NopOptimisers(Adam? localisation, Adam attention2, Adam attention0) : IDisposable
{
    /// <summary>Null when the whole localisation set is frozen after pre-training.</summary>
    public Adam? Localisation { get; } = localisation;
    public Adam Attention2 { get; } = attention2;
    public Adam Attention0 { get; } = attention0;
    public void Dispose() { Localisation?.Dispose(); Attention2.Dispose(); Attention0.Dispose(); }
}

public static class NopTraining
{
    /// <summary>The three Adams at the settings' learning rate.</summary>
    public static NopOptimisers CreateOptimisers(NopLearner model, NopSettings s) => CreateOptimisers(model, s.LearningRate);

    public static NopOptimisers CreateOptimisers(NopLearner model, double learningRate)
    {
        var localisation = model.LocalisationSet().ToList();
        return new(localisation.Count > 0 ? optim.Adam(localisation, learningRate) : null,
                   optim.Adam(model.Attention2Set(), learningRate), optim.Adam(model.Attention0Set(), learningRate));
    }

    /// <summary>One step on a batch; returns the batch means of L1 and L2.</summary>
    public static (double L1, double L2) Step(NopLearner model, NopOptimisers opt, Tensor images, Generator generator)
    {
        using var scope = NewDisposeScope();
        var query = model.SampleQuery(images.shape[0], generator, images.device);
        using var o = model.call(images, query, generator);
        var l1 = o.L1.mean();
        var l2 = o.L2.mean();
        var setA = model.LocalisationSet().ToList();
        var setB = model.Attention2Set().ToList();
        var setC = model.Attention0Set().ToList();
        var c = model.Config;
        Tensor Or0(Tensor? g, Parameter p) => g is null || g.IsInvalid ? zeros_like(p) : g;
        var a = setA.Cast<Tensor>().ToList();
        var aC = setC.Cast<Tensor>().ToList();
        // The localisation set descends L1 (the design) or its own objective (detached target, usage term). When that
        // is L1 itself, one backward pass serves it and Attention₀'s ∂L1; ∂L2 serves Attention₂ and Attention₀.
        Tensor?[] gA;
        Tensor?[] g1C;
        if (setA.Count > 0 && !c.DetachProposal && c.UsageWeight == 0)
        {
            var g1 = autograd.grad(new[] { l1 }, a.Concat(aC).ToList(), retain_graph: true, allow_unused: true);
            (gA, g1C) = (g1.Take(setA.Count).ToArray(), g1.Skip(setA.Count).ToArray());
        }
        else
        {
            // An empty localisation set (everything it holds frozen after pre-training) has nothing to differentiate.
            gA = setA.Count == 0 ? Array.Empty<Tensor?>()
                : autograd.grad(new[] { ExplainerLoss(o.L1Explainer, o.Logits, c.UsageWeight) }, a, retain_graph: true, allow_unused: true).ToArray();
            g1C = autograd.grad(new[] { l1 }, aC, retain_graph: true, allow_unused: true).ToArray();
        }
        var g2 = autograd.grad(new[] { l2 }, setB.Concat(setC).Cast<Tensor>().ToList(), retain_graph: false, allow_unused: true);
        for (int i = 0; i < setA.Count; i++) setA[i].grad = Or0(gA[i], setA[i]);
        for (int i = 0; i < setB.Count; i++) setB[i].grad = Or0(g2[i], setB[i]);
        double w2 = c.ProposerL2Weight;
        for (int i = 0; i < setC.Count; i++) setC[i].grad = Or0(g1C[i], setC[i]) - w2 * Or0(g2[setB.Count + i], setC[i]);   // ∂(L1 − w·L2)
        opt.Localisation?.step(); opt.Attention2.step(); opt.Attention0.step();
        return (l1.item<float>(), l2.item<float>());
    }

    /// <summary>The explainer's objective: mean L1 (per image [B]) minus <paramref name="usageWeight"/> times the
    /// category usage (<see cref="CategoryUsage"/>).</summary>
    public static Tensor ExplainerLoss(Tensor l1, Tensor logits, double usageWeight)
    {
        using var _ = NewDisposeScope();
        var loss = l1.mean();
        if (usageWeight > 0) loss = loss - usageWeight * CategoryUsage(logits);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The mutual information between glimpse and category over the batch, H(p̄) − mean H(p): high when the
    /// batch uses many categories (p̄ spread) and names each glimpse confidently (each p peaked). The entropy of p̄
    /// alone is also maximal when every glimpse gets the uniform p, that is when names carry nothing.</summary>
    public static Tensor CategoryUsage(Tensor logits)
    {
        using var _ = NewDisposeScope();
        var logP = logits.log_softmax(1);
        var each = -(logP.exp() * logP).sum(1).mean();
        return (CategoryUsageEntropy(logits) - each).MoveToOuterDisposeScope();
    }

    /// <summary>H(p̄) of p̄ = the batch mean of softmax(logits): log K when the batch uses all K categories equally, 0 for one.</summary>
    public static Tensor CategoryUsageEntropy(Tensor logits)
    {
        using var _ = NewDisposeScope();
        var mean = logits.softmax(1).mean(new long[] { 0 });
        return (-(mean * (mean + 1e-12).log()).sum()).MoveToOuterDisposeScope();
    }

    /// <summary>Trains <c>s.Epochs</c> epochs and evaluates on <paramref name="test"/> after each (or only after the last). Stops
    /// between batches when <paramref name="cancellation"/> is set.</summary>
    public static List<NopEpoch> Train(NopLearner model, NopOptimisers opt, IScenes train, IScenes test, NopSettings s,
                                       Device? device = null, Action<NopEpoch>? progress = null,
                                       CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null)
    {
        if (s.EvaluationQueries < 1) throw new ArgumentException($"invalid NoP settings {s}");
        device ??= CPU;
        model.to(device);
        var loop = new LoopOptions(s.Epochs, s.BatchSize, s.Seed, Noise: NoiseStream.Device, Device: device,
                                   Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(model, train.Count, loop, batch =>
        {
            var (l1, l2) = Step(model, opt, batch.Select(train.Images).to(device), batch.Noise);
            batch.Record("L1", l1);
            batch.Record("L2", l2);
        }, t => new NopEpoch(t.Epoch, t.Mean("L1"), t.Mean("L2"),
                             s.EvaluateEachEpoch || t.Epoch == s.Epochs ? NopEvaluation.Run(model, test, s.EvaluationQueries, s.Seed, device) : null,
                             t.Elapsed, ResidentMemory.Megabytes()), progress);
    }
}

// Maps one data set and the learner's settings to the learner notebook's experiment: a learner
// initialised from the run's random seed, its held-out evaluation before training, the pre-training phase
// when the config asks for one, three-objective training
// with a line per epoch, and the evaluation after it. Both data sets of the notebook run it; the ablation runs
// its variants through RunAll, which runs a phase 1 once for all variants that differ only after it.
using Attend.Data;
using Attend.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Nop;

/// <summary>Pretrained is the held-out evaluation after phase 1 (null without one).</summary>
public sealed record NopRun(NopLearner Learner, NopEvaluation Untrained, List<PretrainEpoch> Pretraining, NopEvaluation? Pretrained,
                            List<NopEpoch> History)
{
    /// <summary>The held-out evaluation after the last epoch (always evaluated).</summary>
    public NopEvaluation Trained => History[^1].Test ?? throw new InvalidOperationException("the last epoch was not evaluated");
}

public static class NopExperiment
{
    /// <summary>Seeds the global generator with <c>s.Seed</c> (the learner's initial weights), then
    /// evaluates, trains and evaluates again, writing each step to <paramref name="log"/>.</summary>
    public static NopRun Run(NopConfig config, IScenes train, IScenes test, NopSettings s, Device device, Action<string> log,
                             CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null) =>
        Run(config, train, test, s, device, log, null, cancellation, onBatch);

    /// <summary>Runs each variant as <c>Run</c> would, in order, with one saving: variants with the same
    /// <see cref="ExplainerPretraining.Phase1Key"/> start from one phase 1 (the weights it left, copied). The learner's
    /// construction and phase 1 read only the key's settings and their own seeded streams, so each variant's
    /// numbers are those of its own run; the phase 1 is timed once.</summary>
    public static List<(string Name, NopRun Run)> RunAll(IReadOnlyList<NopVariant> variants, IScenes train, IScenes test,
                                                         NopSettings s, Device device, Action<string, string> log,
                                                         CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null)
    {
        var phase1 = new Dictionary<NopConfig, Phase1>();
        try
        {
            return variants.Select(v => (v.Name, Run(v.Config, train, test, s, device, line => log(v.Name, line), phase1,
                                                     cancellation, onBatch))).ToList();
        }
        finally
        {
            foreach (var p in phase1.Values) foreach (var t in p.Weights.Values) t.Dispose();
        }
    }

    /// <summary>A finished phase 1: the learner's weights after it (before Attention₀ may take Attention₁'s) and its epochs.</summary>
    sealed record Phase1(Dictionary<string, Tensor> Weights, List<PretrainEpoch> Epochs);

    static NopRun Run(NopConfig config, IScenes train, IScenes test, NopSettings s, Device device, Action<string> log,
                      Dictionary<NopConfig, Phase1>? phase1, CancellationToken cancellation, Action<BatchProgress>? onBatch)
    {
        manual_seed(s.Seed);
        var learner = new NopLearner(config);
        var untrained = NopEvaluation.Run(learner, test, s.EvaluationQueries, s.Seed, device);
        log($"untrained: {untrained.Summary()}");
        var key = ExplainerPretraining.Phase1Key(config);
        List<PretrainEpoch> pretraining;
        if (config.PretrainEpochs > 0 && phase1 is not null && phase1.TryGetValue(key, out var done))
        {
            learner.to(device);
            learner.load_state_dict(done.Weights);
            pretraining = done.Epochs;
            log($"phase 1 as for an earlier variant (same settings up to phase 2): its weights, L1 {pretraining[^1].L1:E2} on random glimpses");
        }
        else
        {
            pretraining = ExplainerPretraining.Train(learner, train, s, device, e => log(e.ToString()), cancellation, onBatch);
            if (pretraining.Count > 0 && phase1 is not null)
                phase1[key] = new Phase1(learner.state_dict().ToDictionary(w => w.Key, w => w.Value.detach().clone()), pretraining);
        }
        ExplainerPretraining.StartProposer(learner, pretraining.Count > 0);
        NopEvaluation? pretrained = null;
        if (pretraining.Count > 0)
        {
            pretrained = NopEvaluation.Run(learner, test, s.EvaluationQueries, s.Seed, device);
            log($"pre-trained: {pretrained.Summary()}");
        }
        using var optimisers = NopTraining.CreateOptimisers(learner, s);
        var history = NopTraining.Train(learner, optimisers, train, test, s, device, e => log(e.ToString()), cancellation, onBatch);
        var run = new NopRun(learner, untrained, pretraining, pretrained, history);
        log($"trained:   {run.Trained.Summary()}");
        return run;
    }
}

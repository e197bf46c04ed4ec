// Maps one data set and the learner's settings to the learner notebook's experiment: a learner
// initialised from the run's random seed, its held-out evaluation before training, the pre-training phase
// when the config asks for one, three-objective training
// with a line per epoch, and the evaluation after it. Both data sets of the notebook run it.
using Attend.Data;
using Attend.Training;
using static TorchSharp.torch;

namespace Attend.Nop;

public sealed record NopRun(NopLearner Learner, NopEvaluation Untrained, List<PretrainEpoch> Pretraining, List<NopEpoch> History)
{
    public NopEvaluation Trained => History[^1].Test;
}

public static class NopExperiment
{
    /// <summary>Seeds the global generator with <c>s.Seed</c> (the learner's initial weights), then
    /// evaluates, trains and evaluates again, writing each step to <paramref name="log"/>.</summary>
    public static NopRun Run(NopConfig config, IScenes train, IScenes test, NopSettings s, Device device, Action<string> log,
                             CancellationToken cancellation = default, Action<BatchProgress>? onBatch = null)
    {
        manual_seed(s.Seed);
        var learner = new NopLearner(config);
        var untrained = NopEvaluation.Run(learner, test, s.EvaluationQueries, s.Seed, device);
        log($"untrained: {untrained.Summary()}");
        var pretraining = ExplainerPretraining.Run(learner, train, s, device, e => log(e.ToString()), cancellation, onBatch);
        if (pretraining.Count > 0) log($"pre-trained: {NopEvaluation.Run(learner, test, s.EvaluationQueries, s.Seed, device).Summary()}");
        using var optimisers = NopTraining.CreateOptimisers(learner, s);
        var history = NopTraining.Train(learner, optimisers, train, test, s, device, e => log(e.ToString()), cancellation, onBatch);
        log($"trained:   {history[^1].Test.Summary()}");
        return new NopRun(learner, untrained, pretraining, history);
    }
}

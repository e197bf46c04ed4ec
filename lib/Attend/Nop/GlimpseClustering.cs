// Maps digit glimpses to Gumbel-softmax categories learnt without labels: the glimpse classifier
// is the encoder of a categorical autoencoder whose decoder redraws the glimpse from the one-hot
// category alone, so categories must group glimpses that look alike. A usage term (log K minus
// the entropy of the batch's mean category probabilities) keeps all glimpses from collapsing
// into one category. Used by the classifier notebook to measure purity and NMI against digits.
using Attend.Metrics;
using Attend.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

public sealed record ClusteringEpoch(int Epoch, double ReconstructionLoss, double Purity, double Nmi, int CategoriesUsed, TimeSpan Elapsed);

public sealed class GlimpseClustering : Module<Tensor, Generator?, (Tensor Reconstruction, Tensor Category, Tensor Logits)>
{
    readonly GlimpseClassifier classifier;
    readonly Sequential decoder;
    readonly int channels;

    public GlimpseClassifier Classifier => classifier;

    /// <summary>Decoder: one-hot (K) → 256 → ReLU → C·16·16 → sigmoid.</summary>
    public GlimpseClustering(NopConfig c) : base(nameof(GlimpseClustering))
    {
        channels = c.InChannels;
        classifier = new GlimpseClassifier(c);
        decoder = Sequential(Linear(c.Categories, 256), ReLU(), Linear(256, c.InChannels * 256));
        RegisterComponents();
    }

    /// <summary>Reconstructions [B, C, 16, 16], the one-hot categories and the logits.</summary>
    public override (Tensor Reconstruction, Tensor Category, Tensor Logits) forward(Tensor glimpses, Generator? generator)
    {
        using var _ = NewDisposeScope();
        var (category, logits) = classifier.call(glimpses, generator);
        var r = decoder.call(category).sigmoid().view(-1, channels, 16, 16);
        return (r.MoveToOuterDisposeScope(), category.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    /// <summary>log K − H(mean over the batch of softmax(logits)): 0 when the batch uses all K
    /// categories equally, log K when it uses one.</summary>
    public static Tensor UsagePenalty(Tensor logits)
    {
        using var _ = NewDisposeScope();
        var mean = logits.softmax(1).mean(new long[] { 0 });
        var entropy = -(mean * (mean + 1e-12).log()).sum();
        return (Math.Log(logits.shape[1]) - entropy).MoveToOuterDisposeScope();
    }

    /// <summary>The category the classifier names for each glimpse (argmax of the logits: no noise).</summary>
    public long[] Categorise(Tensor glimpses, int batchSize = 500)
    {
        var result = new List<long>();
        EvaluationBatches.Run(this, glimpses.shape[0], batchSize, (start, n) =>
            result.AddRange(classifier.Logits(glimpses.narrow(0, start, n)).argmax(1).data<long>().ToArray()));
        return result.ToArray();
    }

    /// <summary>Trains the autoencoder (binary cross-entropy plus <paramref name="usageWeight"/> times the
    /// usage term) and scores the held-out categories after every epoch. Shuffle and Gumbel noise
    /// share the epoch's stream. Stops between batches when <paramref name="cancellation"/> is set.</summary>
    public List<ClusteringEpoch> Train(Tensor glimpses, Tensor testGlimpses, long[] testLabels, TrainingSettings s, double usageWeight = 0.1,
                                       Action<ClusteringEpoch>? progress = null, CancellationToken cancellation = default,
                                       Action<BatchProgress>? onBatch = null)
    {
        s.Validate();
        using var optimizer = optim.Adam(parameters(), s.LearningRate);
        var loop = new LoopOptions(s.Epochs, s.BatchSize, s.Seed, Cancellation: cancellation, OnBatch: onBatch);
        return EpochLoop.Run(this, glimpses.shape[0], loop, batch =>
        {
            var x = batch.Select(glimpses);
            var (r, _, logits) = call(x, batch.Noise);
            var loss = F.binary_cross_entropy(r, x.clamp(0, 1)) + usageWeight * UsagePenalty(logits);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            batch.Record("loss", loss.item<float>());
        }, t =>
        {
            var cats = Categorise(testGlimpses);
            return new ClusteringEpoch(t.Epoch, t.Mean("loss"), ClusterScores.Purity(cats, testLabels),
                                       ClusterScores.NormalisedMutualInformation(cats, testLabels), cats.Distinct().Count(), t.Elapsed);
        }, progress);
    }
}

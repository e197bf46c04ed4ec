// Maps digit glimpses to Gumbel-softmax categories learnt without labels: the glimpse classifier
// is the encoder of a categorical autoencoder whose decoder redraws the glimpse from the one-hot
// category alone, so categories must group glimpses that look alike. A usage term (log K minus
// the entropy of the batch's mean category probabilities) keeps all glimpses from collapsing
// into one category. Used by the classifier notebook to measure purity and NMI against digits.
using System.Diagnostics;
using Attend.Metrics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

public sealed record ClusteringEpoch(int Epoch, double ReconstructionLoss, double Purity, double Nmi, int CategoriesUsed, TimeSpan Elapsed);

public sealed class GlimpseClustering : Module
{
    public readonly GlimpseClassifier classifier;
    readonly Sequential decoder;
    readonly int channels;

    /// <summary>Decoder: one-hot (K) → 256 → ReLU → C·16·16 → sigmoid.</summary>
    public GlimpseClustering(NopConfig c) : base(nameof(GlimpseClustering))
    {
        channels = c.InChannels;
        classifier = new GlimpseClassifier(c);
        decoder = Sequential(Linear(c.Categories, 256), ReLU(), Linear(256, c.InChannels * 256));
        RegisterComponents();
    }

    /// <summary>Reconstructions [B, C, 16, 16], the one-hot categories and the logits.</summary>
    public (Tensor Reconstruction, Tensor Category, Tensor Logits) Forward(Tensor glimpses, Generator? generator)
    {
        using var _ = NewDisposeScope();
        var (category, logits) = classifier.Forward(glimpses, generator);
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
        bool wasTraining = training;
        eval();
        var result = new List<long>();
        using (no_grad())
            for (long s = 0; s < glimpses.shape[0]; s += batchSize)
            {
                using var scope = NewDisposeScope();
                result.AddRange(classifier.Logits(glimpses.narrow(0, s, Math.Min(batchSize, glimpses.shape[0] - s))).argmax(1).data<long>().ToArray());
            }
        train(wasTraining);
        return result.ToArray();
    }

    public List<ClusteringEpoch> Train(Tensor glimpses, Tensor testGlimpses, long[] testLabels, int epochs, int batchSize = 64, double learningRate = 1e-3,
                                       long seed = 0, double usageWeight = 0.1, Action<ClusteringEpoch>? progress = null)
    {
        using var optimizer = optim.Adam(parameters(), learningRate);
        var curve = new List<ClusteringEpoch>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var sw = Stopwatch.StartNew();
            using var g = new Generator((ulong)(seed * 1_000_003 + epoch));
            double lossSum = 0;
            using (var order = randperm(glimpses.shape[0], generator: g))
                for (long start = 0; start < glimpses.shape[0]; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    var x = glimpses.index_select(0, order.narrow(0, start, Math.Min(batchSize, glimpses.shape[0] - start)));
                    var (r, _, logits) = Forward(x, g);
                    var loss = F.binary_cross_entropy(r, x.clamp(0, 1)) + usageWeight * UsagePenalty(logits);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * x.shape[0];
                }
            var cats = Categorise(testGlimpses);
            var e = new ClusteringEpoch(epoch, lossSum / glimpses.shape[0], ClusterScores.Purity(cats, testLabels),
                                        ClusterScores.NormalisedMutualInformation(cats, testLabels), cats.Distinct().Count(), sw.Elapsed);
            curve.Add(e);
            progress?.Invoke(e);
        }
        return curve;
    }
}

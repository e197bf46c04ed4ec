// Maps a NoP-Learner and labelled scenes to what the learner's glimpses achieve: how often the
// glimpse centre lands inside a ground-truth box (against the chance of a uniformly random
// centre), how pure the classifier's categories are for the objects it lands on (purity and NMI
// against the objects' labels), and how many different objects several random queries find.
using Attend.Data;
using Attend.Metrics;
using static TorchSharp.torch;

namespace Attend.Nop;

/// <summary>MajorityShare is the purity of naming every hit the same (the share of the most common label), the baseline for Purity. Positions are q₀ per scene and query, [N·Q·4] (scene-major); HitObjects the object each glimpse centre lands in (−1: none); Categories the classifier's category.</summary>
public sealed record NopEvaluation(double HitRate, double ChanceHitRate, double Purity, double MajorityShare, double Nmi, double ObjectsFound, double MeanL1, double MeanL2,
                                   float[] Positions, long[] HitObjects, long[] Categories, int Queries)
{
    /// <summary>Runs <paramref name="queries"/> random queries per scene (seeded), without gradients.</summary>
    public static NopEvaluation Run(NopLearner model, IScenes scenes, int queries, long seed, Device? device = null, int batchSize = 100)
    {
        device ??= CPU;
        bool wasTraining = model.training;
        model.eval();
        using var g = new Generator((ulong)seed + 4_242, device);
        long n = scenes.Count;
        int canvas = model.Config.CanvasSize;
        var positions = new float[n * queries * 4];
        var hits = new long[n * queries];
        var categories = new long[n * queries];
        double l1 = 0, l2 = 0;
        var boxes = scenes.Boxes.data<float>().ToArray();
        var counts = scenes.Counts.data<long>().ToArray();
        int k = (int)scenes.Boxes.shape[1];
        using (no_grad())
            for (int qi = 0; qi < queries; qi++)
                for (long start = 0; start < n; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    long b = Math.Min(batchSize, n - start);
                    var x = scenes.Images.narrow(0, start, b).to(device);
                    using var o = model.Forward(x, model.SampleQuery(b, g, device), g);
                    var q = o.Q0.cpu().data<float>().ToArray();
                    var cat = o.Category.argmax(1).cpu().data<long>().ToArray();
                    l1 += o.L1.sum().item<float>(); l2 += o.L2.sum().item<float>();
                    for (int i = 0; i < b; i++)
                    {
                        long scene = start + i, slot = scene * queries + qi;
                        Array.Copy(q, i * 4, positions, slot * 4, 4);
                        categories[slot] = cat[i];
                        float px = (q[i * 4] + 1) / 2 * canvas, py = (q[i * 4 + 1] + 1) / 2 * canvas;
                        hits[slot] = -1;
                        for (int j = 0; j < counts[scene]; j++)
                        {
                            int bo = (int)(scene * k + j) * 4;
                            if (px >= boxes[bo] && px < boxes[bo + 2] && py >= boxes[bo + 1] && py < boxes[bo + 3]) { hits[slot] = j; break; }
                        }
                    }
                }
        model.train(wasTraining);
        var labels = scenes.Labels.data<long>().ToArray();
        var hitSlots = Enumerable.Range(0, hits.Length).Where(i => hits[i] >= 0).ToList();
        var hitCategories = hitSlots.Select(i => categories[i]).ToList();
        var hitLabels = hitSlots.Select(i => labels[(i / queries) * k + hits[i]]).ToList();
        // Chance: a uniformly random centre lands on an object with probability (box area)/(canvas area).
        double chance = Enumerable.Range(0, (int)n).Average(s => Enumerable.Range(0, (int)counts[s]).Sum(j =>
        {
            int bo = (s * k + j) * 4;
            return (double)(boxes[bo + 2] - boxes[bo]) * (boxes[bo + 3] - boxes[bo + 1]);
        }) / ((double)canvas * canvas));
        double objectsFound = Enumerable.Range(0, (int)n).Average(s => (double)Enumerable.Range(0, queries).Select(qi => hits[s * queries + qi]).Where(h => h >= 0).Distinct().Count());
        return new NopEvaluation((double)hitSlots.Count / hits.Length, chance,
                                 ClusterScores.Purity(hitCategories, hitLabels),
                                 ClusterScores.MajorityShare(hitLabels),
                                 ClusterScores.NormalisedMutualInformation(hitCategories, hitLabels),
                                 objectsFound, l1 / (n * queries), l2 / (n * queries), positions, hits, categories, queries);
    }
}

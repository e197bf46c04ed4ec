// Maps a NoP-Learner and labelled scenes to what the learner's glimpses achieve: how often the
// glimpse centre lands inside a ground-truth box (against the chance of a uniformly random
// centre), how pure the classifier's categories are for the objects it lands on (purity and NMI
// against the objects' labels), and how many different objects several random queries find.
using Attend.Data;
using Attend.Metrics;
using Attend.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Nop;

/// <summary>MajorityShare is the purity of naming every hit the same (the share of the most common label),
/// the baseline for Purity. Positions are q₀ per scene and query, [N·Q·4] (scene-major); HitObjects the
/// object each glimpse centre lands in (−1: none); Categories the classifier's category.</summary>
public sealed record NopEvaluation(double HitRate, double ChanceHitRate, double Purity, double MajorityShare, double Nmi, double ObjectsFound,
                                   double MeanL1, double MeanL2, float[] Positions, long[] HitObjects, long[] Categories, int Queries)
{
    /// <summary>Runs <paramref name="queries"/> random queries per scene (seeded), without gradients.</summary>
    public static NopEvaluation Run(NopLearner model, IScenes scenes, int queries, long seed, Device? device = null, int batchSize = 100)
    {
        device ??= CPU;
        using var g = new Generator(TrainingSeeds.ForEvaluation(seed, TrainingSeeds.NopEvaluation), device);
        long n = scenes.Count;
        int canvas = model.Config.CanvasSize;
        var positions = new float[n * queries * 4];
        var hits = new long[n * queries];
        var categories = new long[n * queries];
        double l1 = 0;
        double l2 = 0;
        var boxes = scenes.Boxes.data<float>().ToArray();
        var counts = scenes.Counts.data<long>().ToArray();
        int k = (int)scenes.Boxes.shape[1];
        for (int qi = 0; qi < queries; qi++)
            EvaluationBatches.Run(model, n, batchSize, (start, b) =>
            {
                var x = scenes.Images.narrow(0, start, b).to(device);
                using var o = model.call(x, model.SampleQuery(b, g, device), g);
                var q = o.Q0.cpu().data<float>().ToArray();
                var cat = o.Category.argmax(1).cpu().data<long>().ToArray();
                l1 += o.L1.sum().item<float>();
                l2 += o.L2.sum().item<float>();
                for (int i = 0; i < b; i++)
                {
                    long scene = start + i;
                    long slot = scene * queries + qi;
                    Array.Copy(q, i * 4, positions, slot * 4, 4);
                    categories[slot] = cat[i];
                    hits[slot] = HitObject(boxes, scene, k, counts[scene], (q[i * 4] + 1) / 2 * canvas, (q[i * 4 + 1] + 1) / 2 * canvas);
                }
            });
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
        double objectsFound = Enumerable.Range(0, (int)n)
            .Average(s => (double)Enumerable.Range(0, queries).Select(qi => hits[s * queries + qi]).Where(h => h >= 0).Distinct().Count());
        return new NopEvaluation((double)hitSlots.Count / hits.Length, chance,
                                 ClusterScores.Purity(hitCategories, hitLabels),
                                 ClusterScores.MajorityShare(hitLabels),
                                 ClusterScores.NormalisedMutualInformation(hitCategories, hitLabels),
                                 objectsFound, l1 / (n * queries), l2 / (n * queries), positions, hits, categories, queries);
    }

    /// <summary>One line: hit rate against chance, purity against naming all alike, NMI, objects found.</summary>
    public string Summary() =>
        $"glimpse on an object {HitRate:P1} (chance {ChanceHitRate:P1}), purity {Purity:P1} (one name for all: {MajorityShare:P1}), " +
        $"NMI {Nmi:F3}, objects found per scene {ObjectsFound:F2} of {Queries} queries";

    /// <summary>The headline numbers for a results file (fractions 0-1).</summary>
    public Dictionary<string, object> ToMetrics() => new()
    {
        ["glimpse_on_object"] = HitRate, ["chance_on_object"] = ChanceHitRate, ["purity"] = Purity, ["majority_share"] = MajorityShare,
        ["nmi"] = Nmi, ["objects_found_per_scene"] = ObjectsFound, ["mean_l1"] = MeanL1, ["mean_l2"] = MeanL2,
    };

    /// <summary>The object of scene <paramref name="scene"/> whose box holds the point (px, py), or −1.</summary>
    static long HitObject(float[] boxes, long scene, int slots, long count, float px, float py)
    {
        for (int j = 0; j < count; j++)
        {
            int bo = (int)(scene * slots + j) * 4;
            if (px >= boxes[bo] && px < boxes[bo + 2] && py >= boxes[bo + 1] && py < boxes[bo + 3]) return j;
        }
        return -1;
    }
}

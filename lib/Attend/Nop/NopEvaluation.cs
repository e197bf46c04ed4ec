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
    /// <summary>The refind probe: of the glimpses on an object, the share whose q₁ centre (found from the name
    /// alone) lands on that same object, and the same for q₂ (no name): names carry "which object" when q₁ beats q₂.</summary>
    public double RefindQ1 { get; init; }
    public double RefindQ2 { get; init; }
    /// <summary>Mean σ of q₀ over both axes.</summary>
    public double Sigma0 { get; init; }
    /// <summary>Distinct categories the classifier gave over all glimpses.</summary>
    public int CategoriesUsed { get; init; }
    /// <summary>The spread of μ₀ (normalised units, x and y averaged): across images, the standard deviation of each
    /// scene's mean μ₀ over queries; across queries, the mean over scenes of the standard deviation over queries.
    /// About 1e-5 is the collapse signature (every query, every image, the same place).</summary>
    public double Mu0SpreadImages { get; init; }
    public double Mu0SpreadQueries { get; init; }

    /// <summary>Runs <paramref name="queries"/> random queries per scene (seeded), without gradients.</summary>
    public static NopEvaluation Run(NopLearner model, IScenes scenes, int queries, long seed, Device? device = null, int batchSize = 100)
    {
        device ??= CPU;
        using var g = new Generator(TrainingSeeds.ForEvaluation(seed, TrainingSeeds.NopEvaluation), device);
        long n = scenes.Count;
        int canvas = model.Config.CanvasSize;
        var positions = new float[n * queries * 4];
        var hits = new long[n * queries];
        var refound1 = new bool[n * queries];
        var refound2 = new bool[n * queries];
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
                var q1 = o.Q1.cpu().data<float>().ToArray();
                var q2 = o.Q2.cpu().data<float>().ToArray();
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
                    refound1[slot] = hits[slot] >= 0 &&
                        HitObject(boxes, scene, k, counts[scene], (q1[i * 4] + 1) / 2 * canvas, (q1[i * 4 + 1] + 1) / 2 * canvas) == hits[slot];
                    refound2[slot] = hits[slot] >= 0 &&
                        HitObject(boxes, scene, k, counts[scene], (q2[i * 4] + 1) / 2 * canvas, (q2[i * 4 + 1] + 1) / 2 * canvas) == hits[slot];
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
        var (spreadImages, spreadQueries) = Mu0Spread(positions, n, queries);
        return new NopEvaluation((double)hitSlots.Count / hits.Length, chance,
                                 ClusterScores.Purity(hitCategories, hitLabels),
                                 ClusterScores.MajorityShare(hitLabels),
                                 ClusterScores.NormalisedMutualInformation(hitCategories, hitLabels),
                                 objectsFound, l1 / (n * queries), l2 / (n * queries), positions, hits, categories, queries)
        {
            RefindQ1 = hitSlots.Count == 0 ? 0 : (double)hitSlots.Count(i => refound1[i]) / hitSlots.Count,
            RefindQ2 = hitSlots.Count == 0 ? 0 : (double)hitSlots.Count(i => refound2[i]) / hitSlots.Count,
            Sigma0 = Enumerable.Range(0, hits.Length).Average(i => (positions[i * 4 + 2] + positions[i * 4 + 3]) / 2.0),
            CategoriesUsed = categories.Distinct().Count(),
            Mu0SpreadImages = spreadImages,
            Mu0SpreadQueries = spreadQueries,
        };
    }

    /// <summary>NMI of the names on the glimpses that hit an object against another per-object label (e.g. the colour,
    /// ShapesScenes.ColourOf), [N, K] as the scenes' Labels: which attribute the names follow.</summary>
    public double NmiAgainst(Tensor objectLabels)
    {
        var labels = objectLabels.cpu().to(ScalarType.Int64).data<long>().ToArray();
        long k = objectLabels.shape[1];
        if (labels.Length != HitObjects.Length / Queries * k)
            throw new ArgumentException(
                $"labels [{string.Join(", ", objectLabels.shape)}] do not match {HitObjects.Length / Queries} evaluated scenes");
        var slots = Enumerable.Range(0, HitObjects.Length).Where(i => HitObjects[i] >= 0).ToList();
        return ClusterScores.NormalisedMutualInformation(slots.Select(i => Categories[i]).ToList(),
                                                         slots.Select(i => labels[i / Queries * k + HitObjects[i]]).ToList());
    }

    /// <summary>(across images, across queries) of μ₀ in <paramref name="positions"/> [N·Q·4], x and y averaged.</summary>
    public static (double Images, double Queries) Mu0Spread(float[] positions, long n, int queries)
    {
        double images = 0;
        double acrossQueries = 0;
        for (int axis = 0; axis < 2; axis++)
        {
            var sceneMeans = new double[n];
            double withinScenes = 0;
            for (long s = 0; s < n; s++)
            {
                var v = Enumerable.Range(0, queries).Select(qi => (double)positions[(s * queries + qi) * 4 + axis]).ToArray();
                sceneMeans[s] = v.Average();
                withinScenes += StandardDeviation(v);
            }
            images += StandardDeviation(sceneMeans) / 2;
            acrossQueries += withinScenes / n / 2;
        }
        return (images, acrossQueries);
    }

    /// <summary>Population standard deviation (0 for fewer than two values).</summary>
    static double StandardDeviation(double[] v)
    {
        if (v.Length < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
    }

    /// <summary>One line: hit rate against chance, purity against naming all alike, NMI, objects found.</summary>
    public string Summary() =>
        $"glimpse on an object {HitRate:P1} (chance {ChanceHitRate:P1}), purity {Purity:P1} (one name for all: {MajorityShare:P1}), " +
        $"NMI {Nmi:F3}, objects found per scene {ObjectsFound:F2} of {Queries} queries, refind q₁ {RefindQ1:P1} vs q₂ {RefindQ2:P1}, " +
        $"σ₀ {Sigma0:F3}, {CategoriesUsed} categories, μ₀ spread {Mu0SpreadImages:E1} (images) / {Mu0SpreadQueries:E1} (queries)";

    /// <summary>Glimpses that landed on an object (the ones purity, NMI and the refind probe are measured on).</summary>
    public int NamedHits => HitObjects.Count(h => h >= 0);

    /// <summary>One data set and seed's final held-out figures for a results file, with the untrained learner's hit rate
    /// (fractions 0-1; the names of results/06-nop-learner.json).</summary>
    public Dictionary<string, object> ToSeedMetrics(NopEvaluation untrained) => new()
    {
        ["glimpse_on_object"] = HitRate, ["chance"] = ChanceHitRate, ["untrained"] = untrained.HitRate, ["purity"] = Purity,
        ["majority_share"] = MajorityShare, ["nmi"] = Nmi, ["named_hits"] = NamedHits, ["refind_q1"] = RefindQ1, ["refind_q2"] = RefindQ2,
        ["distinct_objects"] = ObjectsFound, ["l1"] = MeanL1, ["l2"] = MeanL2, ["sigma0"] = Sigma0, ["categories_used"] = CategoriesUsed,
        ["mu0_spread_images"] = Mu0SpreadImages, ["mu0_spread_queries"] = Mu0SpreadQueries,
    };

    /// <summary>The headline numbers for a results file (fractions 0-1).</summary>
    public Dictionary<string, object> ToMetrics() => new()
    {
        ["glimpse_on_object"] = HitRate, ["chance_on_object"] = ChanceHitRate, ["purity"] = Purity, ["majority_share"] = MajorityShare,
        ["nmi"] = Nmi, ["objects_found_per_scene"] = ObjectsFound, ["mean_l1"] = MeanL1, ["mean_l2"] = MeanL2,
        ["refind_q1"] = RefindQ1, ["refind_q2"] = RefindQ2, ["sigma0"] = Sigma0, ["categories_used"] = CategoriesUsed,
        ["mu0_spread_images"] = Mu0SpreadImages, ["mu0_spread_queries"] = Mu0SpreadQueries,
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

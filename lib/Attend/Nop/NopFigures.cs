// Maps a NoP-Learner's training history and held-out evaluation to the learner notebook's
// figures: the L1/L2 curves, and held-out scenes with their true boxes and each query's glimpse
// window (one colour per query), captioned with the categories the classifier named.
using Attend.Data;
using Attend.Plotting;

namespace Attend.Nop;

public static class NopFigures
{
    public static readonly string[] QueryColours = { "#ff3030", "#f0d000", "#30a0ff", "#ff30ff", "#ff9020", "#30ffc0" };

    /// <summary>Mean L1 and L2 over the training batches, per epoch.</summary>
    public static Figure Losses(string title, IReadOnlyList<NopEpoch> history)
    {
        var epochs = history.Select(e => (double)e.Epoch).ToList();
        return Curves.Render(title, "epoch", "mean KL (training batches)", new List<Series>
        {
            new("L1 = KL(q0‖q1)", epochs, history.Select(e => e.L1).ToList()),
            new("L2 = KL(q0‖q2)", epochs, history.Select(e => e.L2).ToList()),
        });
    }

    /// <summary>The first <paramref name="shown"/> evaluated scenes: true boxes (green) and the glimpse
    /// window of every query, captioned "c" and the queries' categories.</summary>
    public static Figure Glimpses(NopEvaluation e, IScenes scenes, int canvas, int shown, int scale)
    {
        if (shown < 1 || shown > scenes.Count) throw new ArgumentException($"cannot show {shown} of {scenes.Count} scenes");
        var truth = SceneBoxes.Truth(scenes, Enumerable.Range(0, shown).Select(i => (long)i));
        var glimpses = Enumerable.Range(0, shown).Select(i => (IReadOnlyList<Box>)Enumerable.Range(0, e.Queries)
            .Select(qi => SceneBoxes.FromPosition(e.Positions.AsSpan((i * e.Queries + qi) * 4, 4), canvas, QueryColours[qi % QueryColours.Length]))
            .ToList()).ToList();
        var captions = Enumerable.Range(0, shown)
            .Select(i => "c " + string.Join(",", Enumerable.Range(0, e.Queries).Select(qi => e.Categories[i * e.Queries + qi]))).ToList();
        return ImageGrid.Render(scenes.Images.narrow(0, 0, shown), columns: shown, scale: scale,
                                boxes: SceneBoxes.Merge(truth, glimpses), captions: captions);
    }
}

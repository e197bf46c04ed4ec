// Maps a trained AIR and some scenes to what the AIR notes' results figure shows per row: the
// reconstructions (clamped to [0, 1]) and one attention rectangle per present object, coloured by
// the step that found it (red, green, yellow).
using Attend.Plotting;
using Attend.Spatial;
using Attend.Training;
using static TorchSharp.torch;

namespace Attend.Air;

public static class AirFigures
{
    public static readonly string[] StepColours = { "#ff3030", "#30c030", "#f0d000", "#3080ff", "#ff30ff" };

    /// <summary>Reconstructions [n, 1, S, S] and, per scene, the boxes of the steps with z_pres = 1.</summary>
    public static (Tensor Reconstructions, List<IReadOnlyList<Box>> Boxes) Explain(AirModel model, Tensor scenes, Generator? generator = null)
    {
        using var mode = ModeScope.Eval(model);
        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        using var r = model.call(scenes, generator);
        int n = (int)scenes.shape[0];
        int steps = model.Config.Steps;
        var boxes = new List<IReadOnlyList<Box>>();
        var pres = r.ZPres.cpu().data<float>().ToArray();
        var bounds = AttentionRectangle.BoundingBox(AttentionRectangle.FromZWhere(r.ZWhere.reshape(-1, 3), model.Config.CanvasSize))
                     .cpu().data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            var list = new List<Box>();
            for (int k = 0; k < steps; k++)
                if (pres[i * steps + k] > 0.5f)
                {
                    int b = (i * steps + k) * 4;
                    list.Add(new Box(bounds[b], bounds[b + 1], bounds[b + 2], bounds[b + 3], StepColours[k % StepColours.Length]));
                }
            boxes.Add(list);
        }
        return (r.Reconstruction.clamp(0, 1).cpu().MoveToOuterDisposeScope(), boxes);
    }
}

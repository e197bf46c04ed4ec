// Maps AIR configs to rounds of timed training steps (batch 64): each round runs every form once, starting with the
// next form each round, so the forms share the machine's slow and fast spells and the first place (run first, a form
// measured 20-50 % slower in some runs).
using System.Diagnostics;
using Attend.Air;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.Bench;

sealed class StepRounds : IDisposable
{
    readonly Tensor scenes;
    readonly List<(AirModel Model, Adam Optimizer, Generator Noise)> forms = new();

    public StepRounds(Tensor scenes, AirConfig[] configs)
    {
        this.scenes = scenes;
        foreach (var config in configs)
        {
            manual_seed(0);
            var model = new AirModel(config);
            forms.Add((model, AirTraining.CreateOptimizer(model), new Generator(0)));
        }
    }

    /// <summary>Runs round <paramref name="round"/> (negative: warm-up, any integer) and returns each form's step time in ms.</summary>
    public double[] Round(int round)
    {
        var ms = new double[forms.Count];
        for (int k = 0; k < forms.Count; k++)
        {
            int f = ((round + k) % forms.Count + forms.Count) % forms.Count;
            var (model, optimizer, g) = forms[f];
            using var _ = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            AirTraining.Step(model, optimizer, scenes, g);   // its inference and losses go with the scope
            ms[f] = sw.Elapsed.TotalMilliseconds;
        }
        return ms;
    }

    public void Dispose()
    {
        foreach (var (model, optimizer, g) in forms) { model.Dispose(); optimizer.Dispose(); g.Dispose(); }
    }
}

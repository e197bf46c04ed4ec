// Maps "evaluate this model" to a scope that puts it in eval mode and restores the mode it had,
// whatever happens inside (an exception, a cancelled cell).
using static TorchSharp.torch;

namespace Attend.Training;

public sealed class ModeScope : IDisposable
{
    readonly nn.Module model;
    readonly bool wasTraining;

    ModeScope(nn.Module model, bool training)
    {
        this.model = model;
        wasTraining = model.training;
        model.train(training);
    }

    /// <summary>Eval mode until disposed, then the mode the model had.</summary>
    public static ModeScope Eval(nn.Module model) => new(model, training: false);

    public void Dispose() => model.train(wasTraining);
}

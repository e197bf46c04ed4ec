// Maps "run this model over a data set without training it" to batches in eval mode, without
// gradients, each in its own dispose scope, the model's mode restored afterwards: the frame every
// evaluator in the library shares. An interrupted notebook cell stops it between batches.
using static TorchSharp.torch;

namespace Attend.Training;

public static class EvaluationBatches
{
    /// <summary>Calls <paramref name="batch"/>(start, size) for consecutive slices of <paramref name="count"/> samples.</summary>
    public static void Run(nn.Module model, long count, int batchSize, Action<long, long> batch)
    {
        if (batchSize < 1) throw new ArgumentException($"batch size must be ≥ 1, got {batchSize}");
        using var mode = ModeScope.Eval(model);
        using var noGrad = no_grad();
        for (long start = 0; start < count; start += batchSize)
        {
            CellCancellation.Current.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            batch(start, Math.Min(batchSize, count - start));
        }
    }
}

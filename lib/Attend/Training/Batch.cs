// Maps one minibatch of an epoch to what a training step needs: the sample indices, the epoch's
// random streams and the device, and collects the quantities the step records (summed weighted by
// the batch size, so the epoch's means are means over samples).
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Training;

public sealed class Batch
{
    readonly EpochTotals totals;

    internal Batch(EpochTotals totals, Tensor indices, Generator noise, Device device, int epoch, long number)
    {
        this.totals = totals;
        Indices = indices;
        Noise = noise;
        Device = device;
        Epoch = epoch;
        Number = number;
    }

    /// <summary>Indices of this batch's samples in the training set (int64, CPU).</summary>
    public Tensor Indices { get; }
    public long Size => Indices.shape[0];
    /// <summary>The epoch's noise stream (see <see cref="NoiseStream"/>).</summary>
    public Generator Noise { get; }
    public Device Device { get; }
    public int Epoch { get; }
    /// <summary>1-based batch number within the epoch.</summary>
    public long Number { get; }

    /// <summary>The rows of <paramref name="data"/> for this batch (still on data's device).</summary>
    public Tensor Select(Tensor data) => data.index_select(0, Indices);

    /// <summary>Adds a batch mean, weighted by the batch size (float arithmetic, as item&lt;float&gt;() gives).</summary>
    public void Record(string name, float batchMean) => totals.Add(name, batchMean * Size);

    /// <summary>Adds a batch mean, weighted by the batch size (double arithmetic).</summary>
    public void Record(string name, double batchMean) => totals.Add(name, batchMean * Size);

    /// <summary>Adds a count of samples (for example correct predictions); <see cref="EpochTotals.Fraction"/>
    /// divides it by the samples seen.</summary>
    public void Count(string name, long samples) => totals.AddCount(name, samples);
}

// Maps "start a notebook or program" to a ready TorchSharp: threads chosen, device picked, seed set.
using static TorchSharp.torch;

namespace Attend.Runtime;

public static class TorchSetup
{
    /// <summary>Applies the thread count, seeds every generator and returns the device to use.
    /// Prints one line saying what it chose and why, so notebook outputs record it.</summary>
    public static Device Init(long seed = 0, bool quiet = false)
    {
        var threads = ThreadCount.Apply();
        manual_seed(seed);
        var device = TorchDevice.Default;
        if (!quiet)
            Console.WriteLine($"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}: device {device.type}, " +
                              $"{threads.Threads} thread(s) ({threads.Reason}), seed {seed}");
        return device;
    }
}

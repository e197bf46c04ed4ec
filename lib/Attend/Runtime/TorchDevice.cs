// Maps the machine (and the ATTEND_DEVICE override) to the TorchSharp device models run on.
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Runtime;

public static class TorchDevice
{
    /// <summary>Environment variable that overrides the device: "cpu", "cuda" or "cuda:N".</summary>
    public const string EnvironmentVariable = "ATTEND_DEVICE";

    /// <summary>CUDA when a CUDA backend and GPU are available, else CPU; ATTEND_DEVICE overrides.</summary>
    public static Device Default => torch.device(Choose(Environment.GetEnvironmentVariable(EnvironmentVariable), cuda.is_available()));

    /// <summary>Pure choice logic, testable without a GPU: the device name ("cpu", "cuda",
    /// "cuda:N"). Unknown or unavailable requests are errors rather than a silent CPU fallback.</summary>
    public static string Choose(string? requested, bool cudaAvailable)
    {
        if (string.IsNullOrWhiteSpace(requested)) return cudaAvailable ? "cuda" : "cpu";
        string r = requested.Trim().ToLowerInvariant();
        if (r == "cpu") return r;
        if (r == "cuda" || r.StartsWith("cuda:"))
        {
            if (!cudaAvailable)
                throw new InvalidOperationException(
                    $"{EnvironmentVariable}={requested} asks for CUDA, but no CUDA device is available " +
                    "(is the project built with -p:TorchBackend=cuda-linux or cuda-windows, and is a GPU present?)");
            return r;
        }
        throw new ArgumentException($"{EnvironmentVariable}={requested} is not a device; use cpu, cuda or cuda:N.");
    }
}

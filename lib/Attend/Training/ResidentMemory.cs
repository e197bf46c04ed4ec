// Maps the process to its resident memory, in the one unit every output uses: MB = 10⁶ bytes.
using System.Diagnostics;

namespace Attend.Training;

public static class ResidentMemory
{
    public const double BytesPerMegabyte = 1e6;

    /// <summary>Resident set size now, in MB (10⁶ bytes); native tensor memory included.</summary>
    public static double Megabytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 / BytesPerMegabyte;
    }
}

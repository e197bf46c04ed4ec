// A fact about the Linux build output (ELF files, libstdc++ versions): reported as skipped, not
// passed, on other systems.
namespace Attend.Tests;

public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "needs Linux: checks the ELF build output";
    }
}

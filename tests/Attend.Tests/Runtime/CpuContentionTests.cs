using System.Diagnostics;
using Attend.Runtime;
using Xunit;

namespace Attend.Tests.Runtime;

public class CpuContentionTests
{
    [Fact]
    public void Another_process_spinning_counts_as_contention()
    {
        if (!OperatingSystem.IsLinux()) return; // the counters are Linux's; elsewhere OthersShare is null by design
        var contention = CpuContention.Start();
        // One busy core out of ProcessorCount for about a second, in a separate process.
        using var spinner = Process.Start(new ProcessStartInfo("sh", "-c \"end=$(($(date +%s)+2)); while [ $(date +%s) -lt $end ]; do :; done\""))!;
        Thread.Sleep(1200);
        double? share = contention.OthersShare();
        spinner.Kill();
        Assert.NotNull(share);
        // One of N cores busy is 1/N of the machine; allow for the shell's start-up.
        Assert.True(share > 0.5 / Environment.ProcessorCount, $"others' share {share:P1}");
    }
}

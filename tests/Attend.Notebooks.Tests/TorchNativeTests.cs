using Attend.Notebooks.Engine;

namespace Attend.Notebooks.Tests;

public class TorchNativeTests
{
    /// <summary>A cell that references the shared library runs TorchSharp with the project's own
    /// (patched) natives, loaded by full path: no system libtorch (Debian's libtorch1.13, which CI
    /// installs for this test) may be mapped into the process.</summary>
    [Fact]
    public async Task Shared_library_cells_use_the_projects_own_libtorch()
    {
        string repo = RunnerTests.FindRepo();
        var s = new ExecutionSession(Path.Combine(repo, "notebooks", "probe.ipynb"), _ => { });
        var r = new Recorder();
        var res = await s.ExecuteAsync("#r \"../lib/Attend\"\nusing static TorchSharp.torch;\nvar x = ones(3).requires_grad_();\n" +
                                       "var y = (x * x).sum();\ny.backward();\nx.grad!.sum().item<float>()", r);
        Assert.True(res.Success, res.Error?.EValue + "\n" + string.Join("\n", res.Error?.Traceback ?? Array.Empty<string>()));
        Assert.Equal(6f, res.Value);
        Assert.NotNull(ReferenceResolver.TorchNativeLoadedFrom);
        var torchMaps = File.ReadLines("/proc/self/maps")
            .Where(l => l.Contains("libtorch") || l.Contains("libLibTorchSharp"))
            .Select(l => l[(l.IndexOf('/'))..].Replace(" (deleted)", ""))
            .Distinct().ToList();
        Assert.True(torchMaps.Contains(ReferenceResolver.TorchNativeLoadedFrom),
                    $"{ReferenceResolver.TorchNativeLoadedFrom} not in:\n{string.Join("\n", torchMaps)}");
        string ours = Path.GetDirectoryName(ReferenceResolver.TorchNativeLoadedFrom)!;
        Assert.All(torchMaps, m => Assert.StartsWith(ours, m));
    }
}

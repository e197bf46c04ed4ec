using Attend.Runtime;

namespace Attend.Tests.Runtime;

public class TorchLoadTests
{
    [Fact]
    public void TorchSharp_loads_and_runs_forward_and_backward()
    {
        // y = sum(relu(W x + b)) for a hand-set layer: the gradient is known in closed form.
        var w = tensor(new float[] { 1, -2, 3, 0.5f }, new long[] { 2, 2 }).requires_grad_();
        var b = tensor(new float[] { 0.1f, -10 }).requires_grad_();
        var x = tensor(new float[] { 2, 1 }, new long[] { 1, 2 });
        var y = nn.functional.linear(x, w, b).relu().sum();
        y.backward();
        Assert.Equal(0.1f, y.item<float>(), 5);                  // row 0: 2 - 2 + 0.1; row 1 is negative → 0
        Assert.Equal(new float[] { 2, 1, 0, 0 }, w.grad!.data<float>().ToArray());
        Assert.Equal(new float[] { 1, 0 }, b.grad!.data<float>().ToArray());
    }

    [LinuxFact]
    public void Build_output_libLibTorchSharp_is_loadable_here()
    {
        // The build's patch must leave GLIBCXX_3.4.32 weak wherever libstdc++ lacks it.
        string lib = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(lib), $"{lib} missing from the build output");
        var needs = ElfVersionPatch.NeededVersions(File.ReadAllBytes(lib), lib);
        var need = Assert.Single(needs, n => n.Name == "GLIBCXX_3.4.32");
        string libstdcxx = ElfVersionPatch.FindSystemLibStdCxx()!;
        bool systemHasIt = ElfVersionPatch.DefinedVersions(File.ReadAllBytes(libstdcxx), libstdcxx).Contains("GLIBCXX_3.4.32");
        Assert.True(systemHasIt || (need.Flags & ElfVersionPatch.VerFlgWeak) != 0,
            $"{libstdcxx} lacks GLIBCXX_3.4.32 but the build left the requirement strong");
    }

    [Theory]
    [InlineData(null, false, "cpu")]
    [InlineData(null, true, "cuda")]
    [InlineData("cpu", true, "cpu")]
    [InlineData("CUDA:1", true, "cuda:1")]
    public void Device_choice_follows_availability_and_override(string? requested, bool cuda, string expectedType)
        => Assert.Equal(expectedType, TorchDevice.Choose(requested, cuda));

    [Fact]
    public void Device_override_rejects_unavailable_or_unknown()
    {
        Assert.Throws<InvalidOperationException>(() => TorchDevice.Choose("cuda", cudaAvailable: false));
        var e = Assert.Throws<ArgumentException>(() => TorchDevice.Choose("tpu", cudaAvailable: false));
        Assert.Contains("ATTEND_DEVICE", e.Message);
    }

    [Fact]
    public void Thread_measurement_reports_each_candidate()
    {
        var choice = ThreadCount.Measure(repeats: 1);
        Assert.Contains(choice.Timings, t => t.Threads == 1);
        Assert.Contains(choice.Timings, t => t.Threads == choice.Threads);
        Assert.All(choice.Timings, t => Assert.True(t.MinMs > 0 && t.MedianMs >= t.MinMs));
        Assert.Equal(choice.Timings.MinBy(t => t.MedianMs)!.Threads, choice.Threads);
    }
}

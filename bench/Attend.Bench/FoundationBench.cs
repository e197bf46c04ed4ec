// Benchmarks for the shared library: glimpse crop + paste at AIR's shapes, and AIR-shaped
// matmuls at 1 and 2 threads with the thread-count default the library chooses.
using Attend.Runtime;
using Attend.Spatial;
using static TorchSharp.torch;

namespace Attend.Bench;

public static class FoundationBench
{
    public static void Run(int repeats)
    {
        Console.WriteLine("== Glimpse crop + paste: batch 64, 50×50 canvas ↔ 24×24 window (AIR shapes) ==");
        var results = new List<Timing>();
        foreach (int threads in new[] { 1, Math.Max(2, Environment.ProcessorCount) }.Distinct())
        {
            set_num_threads(threads);
            var gen = new Generator(0);
            using var images = rand(new long[] { 64, 1, 50, 50 }, generator: gen);
            using var zBase = cat(new[] { rand(new long[] { 64, 1 }, generator: gen) + 2.5, rand(new long[] { 64, 2 }, generator: gen) - 0.5 }, 1);
            results.Add(Measure.Time($"crop forward ({threads} thread)", repeats, () => ZWhere.ImageToWindow(images, zBase, 24)));
            results.Add(Measure.Time($"crop fwd+bwd, grad wrt z_where ({threads} thread)", repeats, () =>
            {
                var z = zBase.clone().requires_grad_();
                ZWhere.ImageToWindow(images, z, 24).sum().backward();
            }));
            results.Add(Measure.Time($"paste fwd+bwd, grad wrt window+z ({threads} thread)", repeats, () =>
            {
                var z = zBase.clone().requires_grad_();
                var win = rand(64, 1, 24, 24).requires_grad_();
                ZWhere.WindowToImage(win, z, 50).sum().backward();
            }));
        }
        results.ForEach(Console.WriteLine);

        Console.WriteLine();
        Console.WriteLine("== AIR-shaped matmuls (batch 64): Linear 2780→256 as in AIR's recurrent net ==");
        var mm = new List<Timing>();
        foreach (int threads in new[] { 1, 2 })
        {
            set_num_threads(threads);
            var gen = new Generator(1);
            using var x = rand(new long[] { 64, 2780 }, generator: gen);
            using var w = randn(new long[] { 256, 2780 }, generator: gen).mul_(0.01);
            mm.Add(Measure.Time($"forward ({threads} thread)", repeats, () => nn.functional.linear(x, w)));
            mm.Add(Measure.Time($"fwd+bwd, weight grad only ({threads} thread)", repeats, () =>
            {
                var wg = w.clone().requires_grad_();
                nn.functional.linear(x, wg).sum().backward();
            }));
            mm.Add(Measure.Time($"fwd+bwd, weight and input grad ({threads} thread)", repeats, () =>
            {
                var wg = w.clone().requires_grad_();
                var xg = x.clone().requires_grad_();
                nn.functional.linear(xg, wg).sum().backward();
            }));
        }
        mm.ForEach(Console.WriteLine);
        for (int i = 0; i < 3; i++)
            Console.WriteLine($"  ratio 2 threads / 1 thread, {mm[i].Name.Split(" (")[0]}: {mm[i + 3].MedianMs / mm[i].MedianMs:F2}× (median)");

        Console.WriteLine();
        var choice = ThreadCount.Measure();
        Console.WriteLine($"Default thread count chosen by the library: {choice.Threads}");
        Console.WriteLine($"  why: {choice.Reason}");
        Console.WriteLine($"  override with {ThreadCount.EnvironmentVariable}=N");
    }
}

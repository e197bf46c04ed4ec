// Dynamic filters lab suite: the ten classes' scores computed in one batched product vs ten
// sequential passes (the lab's description), and per-epoch time and memory of training on the
// Fashion-MNIST fallback (a subset), dynamic and static.
using Attend.Data;
using Attend.DynamicFilters;
using static TorchSharp.torch;

namespace Attend.Bench;

static class LabBench
{
    public static void Run(int repeats)
    {
        Attend.Runtime.TorchSetup.Init(0);
        manual_seed(0);
        using var net = new DynamicFilterNet(FilterPath.Dynamic);
        net.eval();
        var x = rand(128, 3, 32, 32);
        var batched = Measure.Time("forward, batch 128: ten classes in one product", repeats, () => { using (no_grad()) net.call(x); });
        var sequential = Measure.Time("forward, batch 128: ten sequential 1×1 conv passes", repeats, () => { using (no_grad()) Sequential(net, x); });
        Console.WriteLine(batched);
        Console.WriteLine(sequential);
        Console.WriteLine($"batched / sequential (median): {batched.MedianMs / sequential.MedianMs:F2}×");

        var data = LabData.Load();
        var subset = new LabDataset(Take(data.Train, 6000), Take(data.Test, 2000), data.ClassNames, data.IsFallback);
        Console.WriteLine($"training on {subset.Train.Description}, {subset.Train.Count} images; epochs of 6,000 images");
        foreach (var path in new[] { FilterPath.Dynamic, FilterPath.Static })
        {
            manual_seed(0);
            using var model = new DynamicFilterNet(path);
            var settings = new LabSettings(Epochs: 4, BatchSize: 128);
            using var opt = LabTraining.CreateOptimizer(model, settings);
            var epochs = LabTraining.Train(model, opt, subset, settings);
            foreach (var e in epochs)
                Console.WriteLine($"{path,-8} epoch {e.Epoch}: {e.Elapsed.TotalSeconds,6:F1} s " +
                                  $"({subset.Train.Count / e.Elapsed.TotalSeconds,6:F0} images/s), " +
                                  $"RSS {e.ResidentMb,6:F0} MB, test acc {e.TestAccuracy:P1}");
        }
    }

    /// <summary>The lab's literal loop: one class at a time through a 1×1 convolution.</summary>
    static Tensor Sequential(DynamicFilterNet net, Tensor x)
    {
        var v = net.Backbone.call(x);
        var filters = net.Filters();
        var scores = new List<Tensor>();
        for (int k = 0; k < DynamicFilterNet.Classes; k++)
        {
            var response = nn.functional.conv2d(v, filters[k].view(1, ResNet18Stem.Channels, 1, 1)) * Math.Sqrt(ResNet18Stem.Channels);
            scores.Add(net.ScoreOf(response.flatten(1)));
        }
        return cat(scores.ToArray(), 1);
    }

    static ImageSet Take(ImageSet s, int n)
        => new(s.Images.narrow(0, 0, Math.Min(n, s.Count)), s.Labels.narrow(0, 0, Math.Min(n, s.Count)), s.Description);
}

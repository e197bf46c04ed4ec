using Attend.Data;
using Attend.DynamicFilters;
using Attend.Weights;
using Attend.Tests.Data;

namespace Attend.Tests.DynamicFilters;

public class DynamicFilterTests
{
    static readonly string[] TorchvisionStemNames = new[] { "conv1.weight" }
        .Concat(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }.Select(p => "bn1." + p))
        .Concat(from b in new[] { "0", "1" }
                from part in new[] { "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
                                     "conv2.weight", "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var", "bn2.num_batches_tracked" }
                select $"layer1.{b}.{part}")
        .ToArray();

    [Fact]
    public void Backbone_gives_b_x_64_x_8_x_8_and_has_torchvisions_names()
    {
        using var stem = new ResNet18Stem();
        Assert.Equal(new long[] { 5, 64, 8, 8 }, stem.call(rand(5, 3, 32, 32)).shape);
        Assert.Equal(TorchvisionStemNames.Order(), stem.state_dict().Keys.Order());
        Assert.Throws<ArgumentException>(() => stem.call(rand(5, 1, 32, 32)));
    }

    [Theory]
    [InlineData(FilterPath.Dynamic)]
    [InlineData(FilterPath.Static)]
    public void Filters_have_unit_norm_and_responses_are_scaled_one_by_one_convolutions(FilterPath path)
    {
        using var net = new DynamicFilterNet(path);
        var filters = net.Filters();
        Assert.Equal(new long[] { 10, 64 }, filters.shape);
        TestTorch.Close(ones(10), filters.norm(1), 1e-5, "filter norms");
        net.eval();
        var x = rand(2, 3, 32, 32);
        var response = net.ResponseMaps(x);
        var v = net.Backbone.call(x);
        var viaConv = torch.nn.functional.conv2d(v, filters.view(10, 64, 1, 1)) * 8.0;
        TestTorch.Close(viaConv, response, 1e-4, "einsum vs 1×1 conv");
        Assert.Equal(new long[] { 2, 10 }, net.call(x).shape);
    }

    [Fact]
    public void Dynamic_and_static_differ_only_in_the_filter_path()
    {
        using var dynamic = new DynamicFilterNet(FilterPath.Dynamic);
        using var @static = new DynamicFilterNet(FilterPath.Static);
        var d = dynamic.named_parameters().Select(p => p.name).ToHashSet();
        var s = @static.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Equal(new[] { "class_embeddings.weight", "weights_generator.0.bias", "weights_generator.0.weight",
                             "weights_generator.2.bias", "weights_generator.2.weight" },
                     d.Except(s).Order());
        Assert.Equal(new[] { "static_filters" }, s.Except(d));
        Assert.All(d.Intersect(s), n => Assert.True(n.StartsWith("backbone.") || n.StartsWith("score_predictor."), n));
    }

    [Fact]
    public void Safetensors_round_trip_and_load_the_stem_by_torchvision_names()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "resnet18.safetensors");
        using var source = new ResNet18Stem();
        var tensors = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        tensors["fc.weight"] = rand(1000, 512);                 // the rest of ResNet-18 is ignored
        tensors["layer2.0.conv1.weight"] = rand(128, 64, 3, 3).to_type(ScalarType.BFloat16);
        tensors["meta.counts"] = tensor(new long[] { 1, 2, 3 });
        SafeTensors.Write(path, tensors);
        var read = SafeTensors.Read(path);
        Assert.Equal(tensors.Keys.Order(), read.Keys.Order());
        Assert.True(read["meta.counts"].eq(tensors["meta.counts"]).all().item<bool>());
        Assert.True(read["layer2.0.conv1.weight"].eq(tensors["layer2.0.conv1.weight"]).all().item<bool>());
        using var target = new ResNet18Stem();
        var unused = SafeTensors.LoadInto(target, read);
        Assert.Equal(new[] { "fc.weight", "layer2.0.conv1.weight", "meta.counts" }, unused.Order());
        foreach (var (name, t) in target.state_dict()) Assert.True(t.eq(tensors[name]).all().item<bool>(), name);
        read.Remove("bn1.running_var");
        Assert.Contains("missing bn1.running_var", Assert.Throws<ArgumentException>(() => SafeTensors.LoadInto(target, read)).Message);
    }

    [Fact]
    public void Corrupt_safetensors_files_are_rejected_by_name()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "w.safetensors");
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["w"] = rand(4, 4) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^8]);       // truncated data
        Assert.Contains("\"w\"", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(path)).Message);
        File.WriteAllBytes(path, new byte[] { 255, 255, 0, 0, 0, 0, 0, 0, 1 });
        Assert.Contains("header length", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(path)).Message);
        Assert.Throws<FileNotFoundException>(() => { SafeTensors.Read(Path.Combine(dir.Path, "none.safetensors")); });
    }

    static LabDataset TinyData()
    {
        var g = new Generator(42);
        var x = rand(new long[] { 48, 3, 32, 32 }, generator: g);
        var y = arange(48).remainder(10);
        x[.., 0] += y.view(48, 1, 1).to_type(ScalarType.Float32) * 0.1f;
        var set = new ImageSet(x, y, "tiny");
        return new LabDataset(set, set, Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), false);
    }

    [Fact]
    public void Resume_continues_exactly_as_an_uninterrupted_run()
    {
        using var dir = new TempDir();
        var data = TinyData();
        var settings = new LabSettings(Epochs: 2, BatchSize: 16, Seed: 9);
        manual_seed(1);
        using var straight = new DynamicFilterNet(FilterPath.Dynamic);
        using var opt1 = LabTraining.CreateOptimizer(straight, settings);
        LabTraining.Train(straight, opt1, data, settings);

        string ckpt = Path.Combine(dir.Path, "best.ckpt");
        manual_seed(1);
        using var first = new DynamicFilterNet(FilterPath.Dynamic);
        using var opt2 = LabTraining.CreateOptimizer(first, settings);
        var h = LabTraining.Train(first, opt2, data, settings with { Epochs = 1 }, ckpt);
        Assert.True(h[0].Saved && File.Exists(ckpt));

        manual_seed(99);                                  // a different start: everything must come from the checkpoint
        using var resumed = new DynamicFilterNet(FilterPath.Dynamic);
        using var opt3 = LabTraining.CreateOptimizer(resumed, settings);
        var info = LabTraining.Resume(ckpt, resumed, opt3);
        Assert.Equal(1, info.Epoch);
        LabTraining.Train(resumed, opt3, data, settings, startEpoch: info.Epoch + 1, bestTestAccuracy: info.BestTestAccuracy);
        var expected = straight.state_dict();
        foreach (var (name, t) in resumed.state_dict())
            Assert.True(t.eq(expected[name]).all().item<bool>(), $"{name} differs after resume");
    }

    [Fact]
    public void Cosine_learning_rate_starts_at_the_base_rate_and_decays_towards_zero()
    {
        var s = new LabSettings(Epochs: 10, LearningRate: 1e-3);
        Assert.Equal(1e-3, s.LearningRateAt(1), 12);
        Assert.Equal(0.5e-3, s.LearningRateAt(6), 12);
        var rates = Enumerable.Range(1, 10).Select(s.LearningRateAt).ToList();
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.Second < p.First) && rates[^1] > 0);
        Assert.Equal(1e-3, (s with { CosineSchedule = false }).LearningRateAt(9));
    }

    [Fact]
    public void Checkpoints_round_trip_and_a_corrupt_one_is_refused()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "c.ckpt");
        using var a = new DynamicFilterNet(FilterPath.Static);
        using var optA = LabTraining.CreateOptimizer(a, new LabSettings());
        Checkpoint.Save(path, a, optA, new CheckpointInfo(3, 0.5, "test"));
        using var b = new DynamicFilterNet(FilterPath.Static);
        using var optB = LabTraining.CreateOptimizer(b, new LabSettings());
        Assert.Equal(new CheckpointInfo(3, 0.5, "test"), Checkpoint.Load(path, b, optB));
        var sa = a.state_dict();
        foreach (var (name, t) in b.state_dict()) Assert.True(t.eq(sa[name]).all().item<bool>(), name);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..200]);
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, b, optB));
    }

    [Fact]
    public void Augmentation_crops_and_flips_reproducibly_and_fallback_is_labelled()
    {
        var x = arange(2 * 3 * 32 * 32).view(2, 3, 32, 32).to_type(ScalarType.Float32);
        var a = LabData.Augment(x, new Generator(5));
        var b = LabData.Augment(x, new Generator(5));
        Assert.Equal(x.shape, a.shape);
        Assert.True(a.eq(b).all().item<bool>());
        var gray = new ImageSet(rand(4, 1, 28, 28), arange(4), "Fashion-MNIST test");
        var rgb = LabData.AsRgb32(gray);
        Assert.Equal(new long[] { 4, 3, 32, 32 }, rgb.Images.shape);
        Assert.True(rgb.Images[.., 1, 2..30, 2..30].eq(gray.Images[.., 0]).all().item<bool>());
        Assert.Contains("FALLBACK", rgb.Description);
    }
}

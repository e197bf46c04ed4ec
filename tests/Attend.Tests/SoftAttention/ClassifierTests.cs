using Attend.Data;
using Attend.SoftAttention;
using Attend.Training;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Attend.Tests.SoftAttention;

public class ClassifierTests
{
    static Module<Tensor, AttentionReadout>[] Models()
    {
        manual_seed(3);
        return new Module<Tensor, AttentionReadout>[]
        {
            new MeanPoolingClassifier(), new MapAttentionClassifier(steps: 2),
            new WindowAttentionClassifier(WindowShape.Gaussian, 32), new WindowAttentionClassifier(WindowShape.Bump, 32),
            new WindowAttentionClassifier(WindowShape.Box, 32),
            new FocalTransformerClassifier(focal: true, 32), new FocalTransformerClassifier(focal: false, 32),
        };
    }

    [Fact]
    public void Every_classifier_returns_logits_and_attention_weights_that_sum_to_one()
    {
        var scenes = rand(3, 1, 32, 32);
        foreach (var model in Models())
        {
            using var r = model.call(scenes);
            Assert.Equal(new long[] { 3, 10 }, r.Logits.shape);
            Assert.Equal(3, r.Weights.shape[0]);
            Assert.Equal(model is MapAttentionClassifier ? 2 : 1, r.Weights.shape[1]);
            Assert.Equal(r.Weights.shape[2], r.Points.shape[1]);
            TestTorch.Close(ones(3, r.Weights.shape[1]), r.Weights.sum(2), 1e-5, model.GetName());
            Assert.True(r.Points.abs().max().item<float>() <= 1.0001f, $"{model.GetName()}: points inside the image");
        }
    }

    [Fact]
    public void Windows_start_centred_at_their_initial_spread_and_only_smooth_ones_pass_a_gradient_to_the_localiser()
    {
        manual_seed(5);
        var localiser = new WindowLocaliser(8, 0.05, 1.0, 0.3);
        var (centre, spread) = localiser.call(rand(4, SceneEncoder.Channels, 8, 8));
        TestTorch.Close(zeros(4, 2), centre, 1e-6, "centre");
        TestTorch.Close(full(4, 0.3f), spread, 1e-6, "spread");
        foreach (var shape in new[] { WindowShape.Gaussian, WindowShape.Box })
        {
            manual_seed(5);
            var model = new WindowAttentionClassifier(shape, 32);
            using var r = model.call(rand(4, 1, 32, 32));
            functional.cross_entropy(r.Logits, tensor(new long[] { 1, 2, 3, 4 })).backward();
            double localiserGradient = model.named_parameters().Where(p => p.name.StartsWith("localiser."))
                                            .Sum(p => p.parameter.grad is { } g ? g.abs().sum().item<float>() : 0);
            if (shape == WindowShape.Box) Assert.Equal(0.0, localiserGradient);
            else Assert.True(localiserGradient > 0, "the Gaussian window's localiser learns from the loss");
        }
        Assert.Throws<ArgumentException>(() => new WindowLocaliser(8, 0.05, 1.0, 2.0));
    }

    [Fact]
    public void The_focal_window_weights_the_glimpse_and_the_plain_transformer_does_not()
    {
        manual_seed(2);
        var scenes = ones(2, 1, 32, 32);
        var focal = new FocalTransformerClassifier(focal: true, 32);
        var plain = new FocalTransformerClassifier(focal: false, 32);
        var (fg, theta) = focal.Glimpses(scenes);
        var (pg, _) = plain.Glimpses(scenes);
        // At the start the glimpse is the centred window of scale 0.6 (inside the image: all ones).
        TestTorch.Close(tensor(new float[] { 0.6f, 0, 0, 0, 0.6f, 0 }).view(1, 2, 3).expand(2, 2, 3), theta, 1e-6, "θ");
        TestTorch.Close(ones_like(pg), pg, 1e-5, "plain glimpse");
        int c = FocalTransformerClassifier.GlimpseSize / 2;
        Assert.True(fg[0, 0, c, c].item<float>() > 0.95f && fg[0, 0, 0, 0].item<float>() < 0.05f, "focal: bright centre, dark corner");
        using var r = plain.call(scenes);
        TestTorch.Close(full(2, 1, r.Weights.shape[2], 1.0 / r.Weights.shape[2]), r.Weights, 1e-7, "uniform weights");
    }

    [Fact]
    public void Map_attention_learns_a_largest_digit_task_a_little_in_a_few_steps()
    {
        var digits = new ImageSet(rand(40, 1, 28, 28), arange(40) % 10, "noise digits");
        var options = new LargestDigitOptions(CanvasSize: 32, Digits: 2, MinTargetSize: 14, MaxTargetSize: 16, MinOtherSize: 8, MaxOtherSize: 10);
        var scenes = LargestDigitScenes.Generate(digits, options, 64, seed: 1);
        manual_seed(1);
        var model = new MapAttentionClassifier(steps: 1);
        var history = SoftAttentionTraining.Train(model, scenes, scenes, new TrainingSettings(Epochs: 4, BatchSize: 16, LearningRate: 3e-3),
                                                  onBatch: null);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss, $"loss {history[0].TrainLoss} → {history[^1].TrainLoss}");
        var scores = history[^1].Test;
        Assert.InRange(scores.MassOnTarget[0], 0, 1);
        Assert.Equal(15.0 * 15 / (32 * 32), scores.TargetArea, 1);
    }
}

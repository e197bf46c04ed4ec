using Attend.Data;
using Attend.SoftAttention;
using static TorchSharp.torch.nn;

namespace Attend.Tests.SoftAttention;

public class AttentionScoresTests
{
    /// <summary>Two attended points, at pixels (4, 4) and (20, 20) of a 32-pixel canvas; the weights either follow
    /// the image's brightness there (attention that finds the target) or sit on the first point whatever the scene.</summary>
    sealed class FixedAttention(bool followsImage) : Module<Tensor, AttentionReadout>("fixed attention")
    {
        public override AttentionReadout forward(Tensor images)
        {
            using var _ = NewDisposeScope();
            long b = images.shape[0];
            var points = tensor(new float[] { -0.75f, -0.75f, 0.25f, 0.25f }).view(1, 2, 2);
            var weights = followsImage
                ? stack(new[] { images[.., 0, 4, 4], images[.., 0, 20, 20] }, 1).unsqueeze(1)
                : tensor(new float[] { 1, 0 }).view(1, 1, 2).expand(b, 1, 2);
            return AttentionReadout.Leaving(zeros(b, 10), points, weights.contiguous());
        }
    }

    static MultiMnistScenes TwoScenes()
    {
        var images = zeros(2, 1, 32, 32);
        images[0, 0, 4, 4] = 1;
        images[1, 0, 20, 20] = 1;
        var boxes = zeros(2, 1, 4);
        boxes[0, 0] = tensor(new float[] { 0, 0, 8, 8 });
        boxes[1, 0] = tensor(new float[] { 16, 16, 24, 24 });
        return new MultiMnistScenes(images, ones(2, int64), boxes, zeros(2, 1, int64));
    }

    [Fact]
    public void Attention_that_follows_the_target_has_its_centroid_on_it_and_moves_between_scenes()
    {
        using var scenes = TwoScenes();
        var scores = SoftAttentionTraining.Evaluate(new FixedAttention(followsImage: true), scenes);
        Assert.Equal(1.0, scores.MassOnTarget[0], 9);
        Assert.Equal(0.0, scores.CentroidDistance[0], 9);
        // Centroids (4, 4) and (20, 20): their mean (12, 12) lies √(8² + 8²) from each.
        Assert.Equal(Math.Sqrt(128), scores.CentroidSpread[0], 6);
        Assert.Equal(64.0 / (32 * 32), scores.TargetArea, 9);
        Assert.Equal(1.0, scores.Accuracy, 9);   // all-zero logits name class 0, both scenes' label
    }

    [Fact]
    public void Attention_that_stays_put_has_no_spread_and_misses_the_moved_target()
    {
        using var scenes = TwoScenes();
        var scores = SoftAttentionTraining.Evaluate(new FixedAttention(followsImage: false), scenes);
        Assert.Equal(0.5, scores.MassOnTarget[0], 9);
        // Scene 0: on the centre; scene 1: (4, 4) is √(16² + 16²) from (20, 20).
        Assert.Equal(Math.Sqrt(512) / 2, scores.CentroidDistance[0], 6);
        Assert.Equal(0.0, scores.CentroidSpread[0], 6);
    }
}

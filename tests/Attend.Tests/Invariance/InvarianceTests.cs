using Attend.Invariance;
using TorchSharp.Modules;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Tests.Invariance;

public class InvarianceTests
{
    [Fact]
    public void The_groups_have_four_and_eight_distinct_transforms_and_four_quarter_turns_are_the_identity()
    {
        var filter = randn(2, 3, 5, 5, dtype: ScalarType.Float64);
        var all = Enumerable.Range(0, 8).Select(i => PlaneTransforms.Apply(filter, TransformGroup.RotationsAndFlips, i)).ToList();
        for (int i = 0; i < 8; i++)
            for (int j = i + 1; j < 8; j++)
                Assert.True(TestTorch.MaxAbsDiff(all[i], all[j]) > 1e-3, $"{PlaneTransforms.Name(i)} = {PlaneTransforms.Name(j)}");
        var turned = filter;
        for (int k = 0; k < 4; k++) turned = PlaneTransforms.Apply(turned, TransformGroup.Rotations, 1);
        TestTorch.Close(filter, turned, 0, "four quarter turns");
        Assert.Throws<ArgumentException>(() => PlaneTransforms.Apply(filter, TransformGroup.Rotations, 4));
        Assert.Contains("square", Assert.Throws<ArgumentException>(() => PlaneTransforms.Apply(rand(3, 4), TransformGroup.Rotations, 1)).Message);
    }

    [Theory]
    [InlineData(TransformGroup.Rotations)]
    [InlineData(TransformGroup.RotationsAndFlips)]
    public void The_invariant_layer_is_equivariant_for_every_transform_of_its_group(TransformGroup group)
    {
        manual_seed(11);
        var layer = new TransformInvariantConv2d(2, 4, 3, group);
        layer.to(ScalarType.Float64);
        var x = randn(2, 2, 9, 9, dtype: ScalarType.Float64);
        var y = layer.call(x);
        for (int i = 0; i < PlaneTransforms.Count(group); i++)
            TestTorch.Close(PlaneTransforms.Apply(y, group, i), layer.call(PlaneTransforms.Apply(x, group, i)), 1e-12, PlaneTransforms.Name(i));
        // The layer is the maximum over the transformed filters' plain convolutions.
        var bank = layer.TransformedFilters();
        var each = Enumerable.Range(0, (int)bank.shape[0]).Select(g => F.conv2d(x, bank[g], padding: new long[] { 1, 1 })).ToArray();
        var bias = layer.parameters().Single(p => p.dim() == 1).view(1, 4, 1, 1);
        TestTorch.Close(stack(each).max(0).values + bias, y, 1e-12, "max over transforms");
    }

    [Fact]
    public void The_shared_filter_gets_the_gradient_of_finite_differences_through_the_maximum()
    {
        manual_seed(12);
        var layer = new TransformInvariantConv2d(1, 2, 3, TransformGroup.Rotations);
        layer.to(ScalarType.Float64);
        var x = randn(1, 1, 6, 6, dtype: ScalarType.Float64);
        var w = randn(1, 2, 6, 6, dtype: ScalarType.Float64);
        (layer.call(x) * w).sum().backward();
        var filter = layer.parameters().Single(p => p.dim() == 4);
        var analytic = filter.grad!.clone();
        const double eps = 1e-6;
        var flat = filter.detach().view(-1);
        for (long i = 0; i < flat.shape[0]; i += 3)
        {
            double v = flat[i].item<double>();
            double Objective(double value)
            {
                using var _ = no_grad();
                flat[i] = value;
                return (layer.call(x) * w).sum().item<double>();
            }
            double numeric = (Objective(v + eps) - Objective(v - eps)) / (2 * eps);
            Objective(v);
            double expected = analytic.view(-1)[i].item<double>();
            Assert.True(Math.Abs(numeric - expected) < 1e-6, $"weight {i}: {numeric} vs {expected}");
        }
    }

    [Theory]
    [InlineData(TransformGroup.Rotations)]
    [InlineData(TransformGroup.RotationsAndFlips)]
    public void The_invariant_network_gives_the_same_logits_for_every_transformed_digit_and_the_plain_one_does_not(TransformGroup group)
    {
        manual_seed(13);
        var invariant = new RotationDigitNet(group);
        manual_seed(13);
        var plain = new RotationDigitNet(null);
        Assert.Equal(plain.parameters().Sum(p => p.numel()), invariant.parameters().Sum(p => p.numel()));
        TestTorch.Close(plain.FirstFilters, invariant.FirstFilters, 0, "same initial filters");
        invariant.to(ScalarType.Float64);
        plain.to(ScalarType.Float64);
        var digits = rand(3, 1, 28, 28, dtype: ScalarType.Float64);
        using var _ = no_grad();
        var logits = invariant.call(digits);
        double plainChange = 0;
        for (int i = 1; i < PlaneTransforms.Count(group); i++)
        {
            var turned = PlaneTransforms.Apply(digits, group, i);
            TestTorch.Close(logits, invariant.call(turned), 1e-10, PlaneTransforms.Name(i));
            plainChange = Math.Max(plainChange, TestTorch.MaxAbsDiff(plain.call(digits), plain.call(turned)));
        }
        Assert.True(plainChange > 1e-4, $"the plain network changed by only {plainChange}");
    }
}

using Attend.Backprop;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Tests.Backprop;

public class ReceptiveFieldTests
{
    [Fact]
    public void Theoretical_fields_grow_by_the_kernel_times_the_jump()
    {
        var two = ReceptiveField.Theoretical(new[] { new FieldLayer("a", 3, 1), new FieldLayer("b", 3, 1) });
        Assert.Equal(new[] { 3, 5 }, two.Select(f => f.Size));
        var pooled = ReceptiveField.Theoretical(new[] { new FieldLayer("conv", 3, 1), new FieldLayer("pool", 2, 2), new FieldLayer("conv", 3, 1) });
        Assert.Equal(new[] { 3, 4, 8 }, pooled.Select(f => f.Size));
        Assert.Equal(new[] { 1, 2, 2 }, pooled.Select(f => f.Jump));
        Assert.Throws<ArgumentException>(() => ReceptiveField.Theoretical(new[] { new FieldLayer("bad", 0, 1) }));
    }

    [Fact]
    public void The_effective_field_of_one_positive_convolution_is_its_uniform_square()
    {
        var ones3 = ones(1, 1, 3, 3, dtype: ScalarType.Float64);
        var field = ReceptiveField.Effective(x => F.conv2d(x, ones3, padding: new long[] { 1, 1 }), rand(2, 1, 9, 9, dtype: ScalarType.Float64));
        var expected = zeros(9, 9, dtype: ScalarType.Float64);
        expected[3..6, 3..6] = 1.0 / 9;
        TestTorch.Close(expected, field, 1e-12, "field");
        Assert.Equal(3, ReceptiveField.SquareHolding(field, 1.0));
        Assert.Equal(1, ReceptiveField.SquareHolding(field, 0.1));
        Assert.Equal(3, ReceptiveField.SquareHolding(field.to_type(ScalarType.Float32), 0.5));
    }
}

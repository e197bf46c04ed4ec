using Attend.Backprop;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Tests.Backprop;

/// <summary>The lecture's hand-derived derivatives, loops and tensor formulas, against autograd.</summary>
public class BackpropTests
{
    [Fact]
    public void Loop_forward_is_conv2d_on_a_hand_computed_example()
    {
        var y = new double[1, 3, 3] { { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } } };
        var w = new double[1, 1, 2, 2] { { { { 1, 0 }, { 0, -1 } } } };
        var z = ConvolutionLoops.Forward(y, w, new[] { 0.5 });
        // z(0,0) = 1·1 + 5·(−1) + 0.5 = −3.5, the same everywhere for this ramp
        Assert.Equal(new double[1, 2, 2] { { { -3.5, -3.5 }, { -3.5, -3.5 } } }, z);
        Assert.Throws<ArgumentException>(() => ConvolutionLoops.Forward(y, new double[1, 2, 2, 2], new[] { 0.0 }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Loops_and_tensor_formulas_match_autograd(int stride)
    {
        manual_seed(11);
        var y = randn(1, 2, 7, 8, dtype: float64).requires_grad_();
        var w = randn(3, 2, 3, 3, dtype: float64).requires_grad_();
        var b = randn(3, dtype: float64).requires_grad_();
        var z = F.conv2d(y, w, b, strides: new long[] { stride, stride });
        var dzOut = randn(z.shape, dtype: float64);
        var a = z.relu();
        (a * dzOut).sum().backward();

        var zLoop = ConvolutionLoops.Forward(Grids.To3(y.detach()), Grids.To4(w.detach()), b.detach().data<double>().ToArray(), stride);
        Assert.True(Grids.MaxAbsDiff(Grids.ToTensor(zLoop), z.detach()) < 1e-10);
        var dz = ConvolutionLoops.ThroughActivation(Grids.To3(dzOut), zLoop, v => v > 0 ? 1 : 0);
        var dy = ConvolutionLoops.BackwardInput(dz, Grids.To4(w.detach()), 7, 8, stride);
        var (dw, db) = ConvolutionLoops.BackwardWeights(dz, Grids.To3(y.detach()), 3, stride);
        Assert.True(Grids.MaxAbsDiff(Grids.ToTensor(dy), y.grad!) < 1e-10, "loops: dY");
        Assert.True(Grids.MaxAbsDiff(Grids.ToTensor(dw), w.grad!) < 1e-10, "loops: dW");
        Assert.True(Grids.MaxAbsDiff(tensor(db), b.grad!) < 1e-10, "loops: db");

        var dzT = Grids.ToTensor(dz);
        Assert.True(Grids.MaxAbsDiff(ConvolutionTensors.BackwardInput(dzT, w.detach(), 7, 8, stride), y.grad!) < 1e-10, "flipped filter: dY");
        Assert.True(Grids.MaxAbsDiff(ConvolutionTensors.BackwardWeights(dzT, y.detach(), 3, stride), w.grad!) < 1e-10, "correlation: dW");
    }

    [Fact]
    public void Pooling_backward_routes_to_the_argmax_or_shares_equally()
    {
        var y = new double[1, 4, 4] { { { 1, 3, 0, 0 }, { 5, 6, 0, 9 }, { 0, 0, 2, 2 }, { 7, 0, 2, 2 } } };
        var (pooled, argmax) = PoolingLoops.MaxForward(y, 2, 2);
        Assert.Equal(new double[1, 2, 2] { { { 6, 9 }, { 7, 2 } } }, pooled);
        var dPooled = new double[1, 2, 2] { { { 1, 2 }, { 3, 4 } } };
        var dy = PoolingLoops.MaxBackward(dPooled, argmax, 4, 4);
        // Only the winners get a derivative: 1, 3 and 5 did not influence the output.
        Assert.Equal(1, dy[0, 1, 1]); Assert.Equal(2, dy[0, 1, 3]); Assert.Equal(3, dy[0, 3, 0]);
        Assert.Equal(0, dy[0, 0, 1]); Assert.Equal(0, dy[0, 1, 0]);
        Assert.Equal(10, dy.Cast<double>().Sum());

        var yt = Grids.ToTensor(y).requires_grad_();
        (F.max_pool2d(yt, new long[] { 2, 2 }) * Grids.ToTensor(dPooled)).sum().backward();
        Assert.True(Grids.MaxAbsDiff(Grids.ToTensor(dy), yt.grad!) < 1e-12);

        var ym = Grids.ToTensor(y).requires_grad_();
        (F.avg_pool2d(ym, new long[] { 2, 2 }) * Grids.ToTensor(dPooled)).sum().backward();
        Assert.True(Grids.MaxAbsDiff(Grids.ToTensor(PoolingLoops.MeanBackward(dPooled, 2, 2, 4, 4)), ym.grad!) < 1e-12);
    }

    [Fact]
    public void Transposed_convolution_loops_match_conv_transpose2d()
    {
        manual_seed(2);
        var x = randn(1, 3, 4, 5, dtype: float64);
        var w = randn(3, 2, 3, 3, dtype: float64);    // [in maps, out maps, k, k], as conv_transpose2d
        var expected = F.conv_transpose2d(x, w, strides: new long[] { 2, 2 });
        var actual = ConvolutionLoops.Transposed(Grids.To3(x), Grids.To4(w), 2);
        Assert.Equal(new long[] { 1, 2, 9, 11 }, expected.shape);
        Assert.True(Grids.MaxAbsDiff(Grids.ToTensor(actual), expected) < 1e-10);
    }

    [Fact]
    public void Parameter_counts_match_the_layers_that_have_them()
    {
        using var standard = torch.nn.Conv2d(32, 64, 3);
        using var depthwise = torch.nn.Conv2d(32, 32, 3, groups: 32);
        using var pointwise = torch.nn.Conv2d(32, 64, 1);
        Assert.Equal(standard.parameters().Sum(p => p.numel()), ParameterCounts.Standard(32, 64, 3));
        Assert.Equal(depthwise.parameters().Concat(pointwise.parameters()).Sum(p => p.numel()), ParameterCounts.DepthwiseSeparable(32, 64, 3));
        Assert.Equal(18496, ParameterCounts.Standard(32, 64, 3));
        Assert.Equal(2432, ParameterCounts.DepthwiseSeparable(32, 64, 3));
    }
}

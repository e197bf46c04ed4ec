// Maps images and a Conv2d's weight and bias to the same 2-d convolution (stride 1), computed as
// im2col (unfold) and one matrix product instead of by libtorch's oneDNN kernel. This libtorch's
// oneDNN (v3.7.1, jit:avx512_core; fewer cases under jit:avx2) works in a channel-blocked layout
// padded to 16 channels, and reads the padding without writing it: the input gradient is wrong when
// the output channels are not a multiple of 16 (8, 10, 24: the STN localiser's 1→8 and 8→10), the
// forward pass when the input channels are above 16 and not a multiple of it (17, 18, 24: see
// Nop.Positioner). The result is NaN or wrong finite numbers whenever freed memory holds them
// (StnTests fills freed memory with NaN first). unfold, matmul and their backward (fold) write
// every element they read. Where no such channel count occurs, F.conv2d is right and faster.
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nn;

public static class UnfoldConvolution
{
    /// <summary>conv2d(<paramref name="input"/>, <paramref name="weight"/>, <paramref name="bias"/>, stride 1,
    /// zero padding <paramref name="padding"/>): input [B, C, H, W], weight [O, C, kH, kW] → [B, O, H', W'].</summary>
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias, long padding = 0)
    {
        Shapes.Require(input, "input", -1, -1, -1, -1);
        Shapes.Require(weight, "convolution weight", -1, input.shape[1], -1, -1);
        long outChannels = weight.shape[0];
        if (bias is not null) Shapes.Require(bias, "convolution bias", outChannels);
        long kh = weight.shape[2];
        long kw = weight.shape[3];
        long outH = input.shape[2] + 2 * padding - kh + 1;
        long outW = input.shape[3] + 2 * padding - kw + 1;
        if (padding < 0 || outH < 1 || outW < 1)
            throw new ArgumentException($"a {kh}×{kw} kernel with padding {padding} does not fit input [{string.Join(", ", input.shape)}]");
        using var _ = NewDisposeScope();
        var columns = F.unfold(input, (kh, kw), padding: (padding, padding));        // [B, C·kH·kW, H'·W']
        var y = weight.reshape(outChannels, -1).matmul(columns);                        // [B, O, H'·W']
        if (bias is not null) y = y + bias.view(1, outChannels, 1);
        return y.view(input.shape[0], outChannels, outH, outW).MoveToOuterDisposeScope();
    }
}

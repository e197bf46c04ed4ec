// Maps the same derivatives to whole-tensor operations, as the lecture's "convolve the
// zero-padded gradient with the flipped filter": dY is a full convolution of dZ (dilated by
// the stride) with the filters flipped left-right and top-bottom and their map axes swapped;
// dW is the correlation of Y with dZ. Batched: [B, C, H, W].
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Backprop;

public static class ConvolutionTensors
{
    /// <summary>Inserts s − 1 zeros between neighbouring entries: a strided layer's gradient
    /// on the stride-1 grid it was sampled from.</summary>
    public static Tensor Dilate(Tensor dz, int stride)
    {
        if (stride == 1) return dz.alias();
        long b = dz.shape[0];
        long c = dz.shape[1];
        long h = dz.shape[2];
        long w = dz.shape[3];
        var spread = zeros(new[] { b, c, (h - 1) * stride + 1, (w - 1) * stride + 1 }, dtype: dz.dtype, device: dz.device);
        spread[.., .., TensorIndex.Slice(0, null, stride), TensorIndex.Slice(0, null, stride)] = dz;
        return spread;
    }

    /// <summary>dDiv/dY for Z = conv2d(Y, W, stride): pad the (dilated) dZ with k − 1 zeros on every
    /// side, so the flipped filter may hang off the edge, and convolve.</summary>
    public static Tensor BackwardInput(Tensor dz, Tensor w, long inputH, long inputW, int stride = 1)
    {
        using var _ = NewDisposeScope();
        long k = w.shape[2];
        var spread = Dilate(dz, stride);
        var padded = F.pad(spread, new[] { k - 1, k - 1, k - 1, k - 1 });
        var flipped = w.flip(2, 3).transpose(0, 1);          // [maps, filters, k, k], mirror image
        var dy = F.conv2d(padded, flipped);
        // With a stride the last rows/columns of Y a window never reached get no gradient.
        return F.pad(dy, new[] { 0, inputW - dy.shape[3], 0, inputH - dy.shape[2] }).MoveToOuterDisposeScope();
    }

    /// <summary>dDiv/dW(n, m) = Σ_batch correlation of Y's map m with dZ's map n (dilated by the stride).</summary>
    public static Tensor BackwardWeights(Tensor dz, Tensor y, long k, int stride = 1)
    {
        using var _ = NewDisposeScope();
        // Batch becomes the channel that is summed: conv2d(Yᵀ [M, B, H, W], dZᵀ [N, B, h, w]) → [M, N, k', k'].
        var dw = F.conv2d(y.transpose(0, 1), dz.transpose(0, 1), dilation: new long[] { stride, stride });
        return dw.transpose(0, 1)[.., .., ..(int)k, ..(int)k].contiguous().MoveToOuterDisposeScope();
    }
}

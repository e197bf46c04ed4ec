// Maps a convolution's shape to its number of learnable parameters: a standard k×k layer
// against its depthwise-separable factorisation (one k×k filter per input map, then a 1×1
// convolution that mixes maps), as in MobileNet.
namespace Attend.Backprop;

public static class ParameterCounts
{
    public static long Standard(int inMaps, int outMaps, int k, bool bias = true) => (long)k * k * inMaps * outMaps + (bias ? outMaps : 0);

    public static long DepthwiseSeparable(int inMaps, int outMaps, int k, bool bias = true)
        => (long)k * k * inMaps + (bias ? inMaps : 0) + (long)inMaps * outMaps + (bias ? outMaps : 0);
}

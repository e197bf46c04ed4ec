// Maps a 24×24 glimpse to z_what (a Gaussian encoder, sampled by reparameterisation) and a
// z_what back to a glimpse (a decoder ending in a sigmoid shifted by −3, so an untrained
// decoder draws nearly empty windows and using an object costs little reconstruction).
using Attend.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Air;

public sealed class WhatVae : Module<Tensor, Generator?, (Tensor Z, Tensor Mu, Tensor LogVar, Tensor Window)>
{
    readonly Sequential encoder;
    readonly Sequential decoder;
    readonly int windowSize;
    readonly int whatDim;
    readonly double sigmoidBias;

    /// <summary>encoder 576→400→ReLU→2×20 (μ, log σ²); decoder 20→400→ReLU→576.</summary>
    public WhatVae(AirConfig c) : base(nameof(WhatVae))
    {
        windowSize = c.WindowSize;
        whatDim = c.WhatDim;
        sigmoidBias = c.SigmoidBias;
        encoder = Sequential(Linear(c.WindowPixelCount, c.WhatHidden), ReLU(), Linear(c.WhatHidden, 2 * c.WhatDim));
        decoder = Sequential(Linear(c.WhatDim, c.WhatHidden), ReLU(), Linear(c.WhatHidden, c.WindowPixelCount));
        RegisterComponents();
    }

    /// <summary>Starts a forward pass whose encoder applications (<see cref="Encode"/> with it) compute their weight
    /// gradients together, after the last one's backward pass (<see cref="DeferredMlp"/>).</summary>
    public DeferredMlp BeginPass()
    {
        // The Sequential's own layers (fields of their own would register them twice, under a second name each).
        var hidden = (Linear)encoder[0];
        var output = (Linear)encoder[2];
        return new((hidden.weight!, hidden.bias), (output.weight!, output.bias));
    }

    /// <summary>Glimpses [B, 1, w, w] → (z_what, μ, log σ²), each [B, 20]; through <paramref name="pass"/> when given.</summary>
    public (Tensor Z, Tensor Mu, Tensor LogVar) Encode(Tensor glimpses, Generator? generator, DeferredMlp? pass = null)
    {
        using var _ = NewDisposeScope();
        var flat = glimpses.reshape(glimpses.shape[0], -1);
        var stats = pass is null ? encoder.call(flat) : pass.Apply(flat);
        var mu = stats.narrow(1, 0, whatDim);
        var logVar = stats.narrow(1, whatDim, whatDim);
        var eps = randn(logVar.shape, dtype: logVar.dtype, device: logVar.device, generator: generator);
        GC.KeepAlive(generator);   // a caller's `new Generator(…)` must not be finalised during the native call
        var z = mu + (0.5 * logVar).exp() * eps;
        return (z.MoveToOuterDisposeScope(), mu.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }

    /// <summary>Glimpses [B, 1, w, w] → z_what, its μ and log σ² (each [B, 20]) and the decoded window [B, 1, w, w].</summary>
    public override (Tensor Z, Tensor Mu, Tensor LogVar, Tensor Window) forward(Tensor glimpses, Generator? generator)
    {
        var (z, mu, logVar) = Encode(glimpses, generator);
        return (z, mu, logVar, Decode(z));
    }

    /// <summary>z_what [B, 20] → glimpse [B, 1, w, w] in (0, 1).</summary>
    public Tensor Decode(Tensor zWhat)
    {
        using var _ = NewDisposeScope();
        return (decoder.call(zWhat) + sigmoidBias).sigmoid().view(-1, 1, windowSize, windowSize).MoveToOuterDisposeScope();
    }
}

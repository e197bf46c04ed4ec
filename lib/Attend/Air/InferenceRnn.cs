// One step of AIR's recurrent inference network: (image, previous z, hidden state) → the next
// step's distribution parameters ω and hidden state, through a 3-layer MLP as in the AIR notes. The
// same network with one output stands for the neural baseline.
//
// Speed: the first layer acts on the concatenation (image, z, h), so it splits into an image part
// and a state part. The image is the same at every step, so its part (2,500 of 2,780 inputs) is
// computed once per batch instead of once per step; the weights and their initialisation are
// exactly those of one Linear(2,780 → 256), the image columns held transposed ([2,500, 256], so that each pixel's
// weights are one row); both networks' image terms are computed together, over the scenes' inked pixels alone on the
// CPU (ImageTerms). The layers after it can compute their weight gradients once for all steps (BeginPass,
// Nn.DeferredMlp). AirConfig.ImageTermOnce false keeps the notes' form (one weight, applied to the concatenation at
// every step), which the benchmark times as the straightforward step.
using Attend.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Air;

public sealed class InferenceRnn : Module<Tensor, Tensor, Tensor, (Tensor Head, Tensor Hidden)>
{
    // The first layer, Linear(2,780 → 256). With the image term computed once per batch (the default) it is held as its
    // image columns, transposed to [pixels, hidden], and its state columns: two parameters instead of narrowed views of
    // one, whose backward would write each view's gradient into a zero-filled copy of the whole weight (once per step).
    // The notes' form (AirConfig.ImageTermOnce false) holds the one weight, as their nn.Linear does.
    readonly Parameter? imageWeight;
    readonly Parameter? stateWeight;
    readonly Parameter? inputWeight;
    readonly Parameter inputBias;
    readonly Linear hidden;
    readonly Linear output;
    readonly int pixels;
    readonly int headSize;

    /// <summary>Number of leading outputs that are not hidden state: 7 for the inference network
    /// (p_pres logit, μ_where, log σ²_where), 1 for the baseline.</summary>
    public int HeadSize => headSize;

    public InferenceRnn(AirConfig c, bool baseline) : base(baseline ? "BaselineRnn" : nameof(InferenceRnn))
    {
        pixels = c.PixelCount;
        headSize = baseline ? 1 : AirConfig.PresDim + 2 * AirConfig.WhereDim;
        using (var input = Linear(c.PixelCount + c.ZDim + c.RnnHidden, c.RnnHidden))
        using (no_grad())
        {
            if (c.ImageTermOnce)
            {
                imageWeight = new Parameter(input.weight!.narrow(1, 0, pixels).t().contiguous());
                stateWeight = new Parameter(input.weight.narrow(1, pixels, c.ZDim + c.RnnHidden).contiguous());
            }
            else inputWeight = new Parameter(input.weight!.clone());
            inputBias = new Parameter(input.bias!.clone());
        }
        hidden = Linear(c.RnnHidden, c.RnnHidden);
        output = Linear(c.RnnHidden, headSize + c.RnnHidden);
        if (!baseline)
            using (no_grad())
            {
                // Start from useful distribution parameters: p_pres logit 2, μ_where (3, 0, 0), log σ² −3.
                output.weight!.narrow(0, 0, headSize).zero_();
                output.bias!.narrow(0, 0, headSize).copy_(tensor(new float[]
                {
                    (float)c.PresLogitInit, (float)c.ScaleInit, 0, 0,
                    (float)c.WhereLogVarInit, (float)c.WhereLogVarInit, (float)c.WhereLogVarInit,
                }));
            }
        RegisterComponents();
    }

    /// <summary>The first layer's image term, W_x·x + b, for flattened images [B, 2500] (a dense product).</summary>
    public Tensor ImageTerm(Tensor flatImages) => addmm(inputBias, flatImages, SplitWeight().Image, 1, 1);

    /// <summary>Both networks' image terms (<see cref="ImageTerm"/>) for flattened images [B, 2500], computed together
    /// (<see cref="ImageTermsFunction"/>: over the inked pixels alone when the scenes are mostly background).</summary>
    public static (Tensor First, Tensor Second) ImageTerms(InferenceRnn first, InferenceRnn second, Tensor flatImages)
    {
        var both = ImageTermsFunction.apply(flatImages, first.SplitWeight().Image, first.inputBias, second.SplitWeight().Image, second.inputBias);
        long h = first.inputBias.shape[0];
        return (both.narrow(1, 0, h), both.narrow(1, h, second.inputBias.shape[0]));
    }

    (Parameter Image, Parameter State) SplitWeight() => imageWeight is null
        ? throw new InvalidOperationException("this network holds the notes' one first-layer weight (AirConfig.ImageTermOnce is false)")
        : (imageWeight, stateWeight!);

    /// <summary>Starts a forward pass whose steps (<see cref="Step"/> with it) compute the weight gradients of the layers
    /// after the image term together, after the last step's backward pass (<see cref="DeferredMlp"/>).</summary>
    public DeferredMlp BeginPass() => new((SplitWeight().State, null), (hidden.weight!, hidden.bias), (output.weight!, output.bias));

    /// <summary>One step from the precomputed image term: (head [B, HeadSize], h [B, hidden]); through
    /// <paramref name="pass"/> when given.</summary>
    public (Tensor Head, Tensor Hidden) Step(Tensor imageTerm, Tensor zPrevious, Tensor hPrevious, DeferredMlp? pass = null)
    {
        using var _ = NewDisposeScope();
        var state = cat(new[] { zPrevious, hPrevious }, 1);
        var o = pass is not null
            ? pass.Apply(state, imageTerm)
            : output.call(F.relu(hidden.call(F.relu(addmm(imageTerm, state, SplitWeight().State.t(), 1, 1)))));
        return (o.narrow(1, 0, headSize).MoveToOuterDisposeScope(), o.narrow(1, headSize, o.shape[1] - headSize).MoveToOuterDisposeScope());
    }

    /// <summary>The AIR notes' forward, rnn(x, z, h), on the full concatenated input at every step
    /// (<see cref="AirConfig.ImageTermOnce"/> false: the straightforward step the benchmark times, and the tests' reference).</summary>
    public override (Tensor Head, Tensor Hidden) forward(Tensor images, Tensor zPrevious, Tensor hPrevious)
    {
        using var _ = NewDisposeScope();
        var x = cat(new[] { images.reshape(images.shape[0], -1), zPrevious, hPrevious }, 1);
        var weight = inputWeight ?? cat(new[] { imageWeight!.t(), stateWeight! }, 1);
        var o = output.call(F.relu(hidden.call(F.relu(F.linear(x, weight, inputBias)))));
        return (o.narrow(1, 0, headSize).MoveToOuterDisposeScope(), o.narrow(1, headSize, o.shape[1] - headSize).MoveToOuterDisposeScope());
    }
}

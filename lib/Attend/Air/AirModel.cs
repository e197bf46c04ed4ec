// Maps a batch of scenes [B, 1, 50, 50] to AIR's structured explanation: for N steps, attend
// (z_where, a Bernoulli z_pres that stops for good at its first 0), infer (the what-VAE on the
// 24×24 glimpse) and paste the decoded window back; the canvas is the sum of the pasted windows
// whose z_pres is 1. The neural baseline runs alongside on detached inputs.
using Attend.Spatial;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Air;

public sealed class AirModel : Module<Tensor, Generator?, AirInference>
{
    readonly WhatVae vae;
    readonly InferenceRnn rnn;
    readonly InferenceRnn baseline;
    readonly LearningSignalNormaliser? signal;

    public AirConfig Config { get; }

    /// <summary>NVIL's normalisation of z_pres's learning signal, or null when the config turns it off.</summary>
    public LearningSignalNormaliser? SignalNormaliser => signal;

    public AirModel(AirConfig? config = null) : base(nameof(AirModel))
    {
        Config = config ?? new AirConfig();
        Config.Validate();
        vae = new WhatVae(Config);
        rnn = new InferenceRnn(Config, baseline: false);
        baseline = new InferenceRnn(Config, baseline: true);
        if (Config.SignalNormalisationDecay > 0) signal = new LearningSignalNormaliser(Config.SignalNormalisationDecay);
        RegisterComponents();
    }

    /// <summary>The model's parameters: inference network and what-VAE (the first Adam group).</summary>
    public IEnumerable<Parameter> ModelParameters() => rnn.parameters().Concat(vae.parameters());

    /// <summary>The neural baseline's parameters (the second Adam group).</summary>
    public IEnumerable<Parameter> BaselineParameters() => baseline.parameters();

    /// <summary>Runs the N steps. Sampling (z_pres, z_where, z_what) draws from <paramref name="generator"/>
    /// (the global generator when null). Call it as <c>model.call(images, generator)</c>.</summary>
    public override AirInference forward(Tensor images, Generator? generator)
    {
        var c = Config;
        Shapes.Require(images, "scenes", -1, 1, c.CanvasSize, c.CanvasSize);
        using var scope = NewDisposeScope();
        long b = images.shape[0];
        var opts = (dtype: images.dtype, device: images.device);
        var flat = images.reshape(b, -1);
        // Images carry no gradient, as the AIR notes' x.detach().
        var (imageTerm, baselineTerm) = c.ImageTermOnce ? InferenceRnn.ImageTerms(rnn, baseline, flat) : (null, null);

        bool deferred = c.StepWeightGradientsOnce && is_grad_enabled();
        var encoderPass = deferred ? vae.BeginPass() : null;
        var rnnPass = deferred && imageTerm is not null ? rnn.BeginPass() : null;
        var baselinePass = deferred && baselineTerm is not null ? baseline.BeginPass() : null;
        // The AIR notes start from z = 1 (so z_pres = 1) and h = 0.
        var z = ones(b, c.ZDim, dtype: opts.dtype, device: opts.device);
        var h = zeros(b, c.RnnHidden, dtype: opts.dtype, device: opts.device);
        var hb = zeros(b, c.RnnHidden, dtype: opts.dtype, device: opts.device);
        var zPres = new List<Tensor>();
        var probPres = new List<Tensor>();
        var mask = new List<Tensor>();
        var logLik = new List<Tensor>();
        var zWhere = new List<Tensor>();
        var muWhere = new List<Tensor>();
        var logVarWhere = new List<Tensor>();
        var zWhat = new List<Tensor>();
        var muWhat = new List<Tensor>();
        var logVarWhat = new List<Tensor>();
        var baselines = new List<Tensor>();
        var pasted = new List<Tensor>();
        for (int i = 0; i < c.Steps; i++)
        {
            var previousPres = z.narrow(1, 0, 1);                       // [B, 1], no gradient (a sample)
            mask.Add(previousPres.squeeze(1));
            var (head, hNext) = imageTerm is null ? rnn.call(images, z, h) : rnn.Step(imageTerm, z, h, rnnPass);
            var (baselineHead, hbNext) = baselineTerm is null
                ? baseline.call(images, z.detach(), hb)
                : baseline.Step(baselineTerm, z.detach(), hb, baselinePass);
            baselines.Add((baselineHead * previousPres).squeeze(1));

            var p = head.narrow(1, 0, 1).sigmoid();
            var mu = head.narrow(1, 1, 3);
            var logVar = head.narrow(1, 4, 3);
            // z_pres ~ Bernoulli(p), forced to 0 once a previous step said 0.
            var pres = bernoulli(p.detach(), generator) * previousPres;
            logLik.Add((BernoulliLogProb(p, pres) * previousPres).squeeze(1));
            var eps = randn(logVar.shape, dtype: opts.dtype, device: opts.device, generator: generator);
            GC.KeepAlive(generator);   // a caller's `new Generator(…)` must not be finalised during the native calls
            var where = mu + (0.5 * logVar).exp() * eps;

            var glimpse = ZWhere.ImageToWindow(images, where, c.WindowSize, c.CropSampling);
            var (what, muW, logVarW) = vae.Encode(glimpse, generator, encoderPass);
            if (!c.BatchedDecoding)
                pasted.Add(ZWhere.WindowToImage(vae.Decode(what), where, c.CanvasSize, c.PasteSampling).squeeze(1));

            z = cat(new[] { pres, where, what }, 1);
            h = hNext; hb = hbNext;
            zPres.Add(pres.squeeze(1)); probPres.Add(p.squeeze(1));
            zWhere.Add(where); muWhere.Add(mu); logVarWhere.Add(logVar);
            zWhat.Add(what); muWhat.Add(muW); logVarWhat.Add(logVarW);
        }
        var zPresT = stack(zPres, 1);
        Tensor? pastedT = null;
        Tensor reconstruction;
        var decodedWindows = c.BatchedDecoding ? vae.Decode(cat(zWhat, 0)) : null;
        var allWhere = c.BatchedDecoding ? cat(zWhere, 0) : null;
        if (decodedWindows is not null && c.PasteSampling == WhereSampling.Direct && DirectSampling.Handles(decodedWindows, allWhere!))
        {
            // Paste and sum with z_pres in one pass (the same function): no N pasted canvases, and absent objects cost nothing.
            reconstruction = DirectSampling.PasteAndSum(decodedWindows.view(c.Steps, b, 1, c.WindowSize, c.WindowSize),
                                                        allWhere!.view(c.Steps, b, 3), zPresT.t(), c.CanvasSize, c.CanvasSize);
        }
        else
        {
            // Decoding and pasting feed nothing back into the recurrence, so the N steps' windows are
            // decoded and pasted as one batch of N·B (fewer, larger operations; the same function).
            pastedT = decodedWindows is not null
                ? ZWhere.WindowToImage(decodedWindows, allWhere!, c.CanvasSize, c.PasteSampling)
                    .view(c.Steps, b, c.CanvasSize, c.CanvasSize).transpose(0, 1)
                : stack(pasted, 1);
            reconstruction = (zPresT.unsqueeze(2).unsqueeze(3) * pastedT).sum(1, keepdim: true);
        }
        return new AirInference
        {
            ZPres = zPresT.MoveToOuterDisposeScope(),
            ProbPres = stack(probPres, 1).MoveToOuterDisposeScope(),
            MaskDelay = stack(mask, 1).MoveToOuterDisposeScope(),
            PresLogLikelihood = stack(logLik, 1).MoveToOuterDisposeScope(),
            ZWhere = stack(zWhere, 1).MoveToOuterDisposeScope(),
            MuWhere = stack(muWhere, 1).MoveToOuterDisposeScope(),
            LogVarWhere = stack(logVarWhere, 1).MoveToOuterDisposeScope(),
            ZWhat = stack(zWhat, 1).MoveToOuterDisposeScope(),
            MuWhat = stack(muWhat, 1).MoveToOuterDisposeScope(),
            LogVarWhat = stack(logVarWhat, 1).MoveToOuterDisposeScope(),
            Baseline = stack(baselines, 1).MoveToOuterDisposeScope(),
            Pasted = pastedT?.MoveToOuterDisposeScope(),
            Reconstruction = reconstruction.MoveToOuterDisposeScope(),
        };
    }

    /// <summary>log Bernoulli(z; p) for z in {0, 1}, with p clamped to [ε, 1−ε] (ε = float32's machine epsilon) as
    /// torch.distributions.Bernoulli does when it turns probabilities into logits.</summary>
    public static Tensor BernoulliLogProb(Tensor p, Tensor z)
    {
        using var _ = NewDisposeScope();
        const double eps = 1.1920928955078125e-07;
        var pc = p.clamp(eps, 1 - eps);
        // z·log p + (1 − z)·log(1 − p) for z in {0, 1}: the log of the chosen probability (the same values and gradients,
        // in fewer operations).
        return where(z.eq(1), pc, 1 - pc).log().MoveToOuterDisposeScope();
    }
}

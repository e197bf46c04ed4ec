// The AIR reimplementation's hyperparameters (the AIR reimplementation notes), in one record so a notebook can
// print them and change one without editing the model.
using Attend.Spatial;

namespace Attend.Air;

/// <summary>AIR on 50×50 Multi-MNIST: every default is the AIR notes' value.</summary>
public sealed record AirConfig
{
    public int CanvasSize { get; init; } = 50;            // CANVAS_SIZE
    public int WindowSize { get; init; } = 24;            // WINDOW_SIZE = MNIST_SIZE
    public int WhatHidden { get; init; } = 400;           // Z_WHAT_HIDDEN_DIM
    public int WhatDim { get; init; } = 20;               // Z_WHAT_DIM
    public double SigmoidBias { get; init; } = -3;        // decoder starts out drawing (almost) nothing
    public double FixedVariance { get; init; } = 0.6 * 0.6; // Gaussian decoder's fixed variance
    public int Steps { get; init; } = 3;                  // N, the most objects per scene
    public int RnnHidden { get; init; } = 256;            // RNN_HIDDEN_STATE_DIM
    public double PresLogitInit { get; init; } = 2;       // sigmoid(2) ≈ 0.88: use objects early on
    public double ScaleInit { get; init; } = 3;           // μ_where starts at (3, 0, 0): a centred digit-sized crop
    public double WhereLogVarInit { get; init; } = -3;    // low z_where variance at the start
    public double PriorScaleMean { get; init; } = 3;      // p(z_where) = N((3, 0, 0), diag(0.1², 1, 1))
    public double PriorScaleVariance { get; init; } = 0.01;   // 0.1²
    public double PriorShiftVariance { get; init; } = 1;
    public double PriorPresProbability { get; init; } = 0.01; // fixed Bernoulli prior per step
    public double Beta { get; init; } = 0.7;              // weight of the KL divergence
    public double LearningRate { get; init; } = 1e-4;     // model: inference network and what-VAE
    // The notes' BASE_LEARNING_RATE is 1e-2. With it, 2 of 10 seeds failed on MKL's AVX-512 path (the baseline's squared
    // error spiked and it stopped tracking the NLL); 1e-3 trained all 10 there (bench air, README "Reliability").
    public double BaselineLearningRate { get; init; } = 1e-3;
    // Not in the AIR notes (notebook 07, "Reliability"): NVIL's running mean and variance normalisation
    // of z_pres's learning signal, with decay α; 0 turns it off (the notes' plain baseline).
    // Crop and paste: three forms of the same bilinear sampling (WhereSampling: affine_grid + grid_sample, separable
    // matmuls, or direct, pixel by pixel over the covered part). Direct is the fastest for both on the CPU (bench air);
    // on other devices it falls back to separable.
    public WhereSampling CropSampling { get; init; } = WhereSampling.Direct;
    public WhereSampling PasteSampling { get; init; } = WhereSampling.Direct;
    // Decode and paste the N steps' windows as one batch after the recurrence (faster); false: step by step, as the notes do.
    public bool BatchedDecoding { get; init; } = true;
    // The first layer's image term W_x·x computed once per batch (faster); false: the notes' rnn(x, z, h), the first layer
    // on the concatenation (image, z, h) at every step, with an input gradient over all 2,780 columns, and held as one
    // weight (so checkpoints of the two forms do not load into each other).
    public bool ImageTermOnce { get; init; } = true;
    // The weight gradients of the layers applied at every step (the inference network's and the baseline's after the image
    // term, the what-encoder's) as one product per layer for the N steps (faster, Nn.DeferredMlp); false: one per step and
    // use, as autograd computes them for the notes' form.
    public bool StepWeightGradientsOnce { get; init; } = true;
    // Adam's update in one pass over each parameter's memory on the CPU (faster, Training.SinglePassAdam; the same update to
    // float precision, the same state and checkpoints); false: TorchSharp's Adam.
    public bool SinglePassAdam { get; init; } = true;
    public double SignalNormalisationDecay { get; init; } = 0;

    public const int PresDim = 1;
    public const int WhereDim = 3;
    public int ZDim => PresDim + WhereDim + WhatDim;
    public int PixelCount => CanvasSize * CanvasSize;
    public int WindowPixelCount => WindowSize * WindowSize;

    public void Validate()
    {
        if (CanvasSize < 2 || WindowSize < 2 || WhatHidden < 1 || WhatDim < 1 || Steps < 1 || RnnHidden < 1)
            throw new ArgumentException($"AIR sizes must be positive: {this}");
        if (FixedVariance <= 0 || PriorScaleVariance <= 0 || PriorShiftVariance <= 0)
            throw new ArgumentException($"variances must be positive: {this}");
        if (PriorPresProbability <= 0 || PriorPresProbability >= 1)
            throw new ArgumentException($"the z_pres prior must lie in (0, 1), got {PriorPresProbability}");
        if (SignalNormalisationDecay is < 0 or >= 1)
            throw new ArgumentException($"the signal normalisation's decay must lie in [0, 1), got {SignalNormalisationDecay}");
        if (LearningRate <= 0 || BaselineLearningRate <= 0) throw new ArgumentException($"learning rates must be positive: {this}");
    }
}

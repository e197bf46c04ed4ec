// Maps a trained classifier to inputs optimised for it, the attention lecture's "optimise the input
// instead of the weights": activation maximisation (Erhan et al. 2009: gradient ascent on a class score,
// starting from a grey image, with an L2 penalty that keeps the pixels small) and adversarial examples
// (Szegedy et al. 2013: a small change of an image's pixels, found by gradient steps, that flips its
// prediction). The weights never change; only the input does.
using static TorchSharp.torch;

namespace Attend.Explain;

/// <summary>Optimised images [B, …] and the score each reached.</summary>
public sealed record MaximisedInputs(Tensor Images, double[] Scores);

/// <summary>Adversarial images [B, …], whether each was misclassified before any change, whether each flipped
/// its prediction, the size of each change (L2 and L∞ over all pixels) and the label predicted for it.</summary>
public sealed record AdversarialExamples(Tensor Images, bool[] StartedWrong, bool[] Flipped, double[] L2, double[] LInf, long[] Predicted)
{
    /// <summary>The images classified right before any change.</summary>
    public int Attacked => StartedWrong.Count(w => !w);

    /// <summary>The share of the images classified right before any change whose prediction flipped.</summary>
    public double SuccessRate => Attacked == 0 ? 0 : Flipped.Count(f => f) / (double)Attacked;

    /// <summary>Median L2 size of the change over the images that flipped (NaN when none did).</summary>
    public double MedianL2 => Median(L2.Where((_, i) => Flipped[i]));

    /// <summary>Median L∞ size of the change over the images that flipped (NaN when none did).</summary>
    public double MedianLInf => Median(LInf.Where((_, i) => Flipped[i]));

    static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}

public static class InputOptimisation
{
    /// <summary>Activation maximisation: Adam ascends score(x) − <paramref name="l2Weight"/>·‖x‖²/pixels from
    /// <paramref name="start"/> for <paramref name="steps"/> steps, keeping every pixel in [low, high].
    /// <paramref name="score"/> maps images [B, …] to one number per image [B] (a class logit, a unit's activation).</summary>
    public static MaximisedInputs Maximise(Func<Tensor, Tensor> score, Tensor start, int steps = 200, double learningRate = 0.05,
                                           double l2Weight = 1.0, double low = 0, double high = 1)
    {
        if (steps < 1) throw new ArgumentException($"activation maximisation needs at least one step, got {steps}");
        if (!(low < high)) throw new ArgumentException($"the pixel range [{low}, {high}] is empty");
        using var _ = NewDisposeScope();
        long pixels = start.numel() / start.shape[0];
        var x = new TorchSharp.Modules.Parameter(start.detach().clone().clamp(low, high));
        using var optimizer = optim.Adam(new[] { x }, learningRate);
        var dims = Enumerable.Range(1, (int)start.dim() - 1).Select(d => (long)d).ToArray();
        for (int t = 0; t < steps; t++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            Tensor s;
            using (enable_grad()) s = score(x);
            Shapes.Require(s, "the score (one number per image)", start.shape[0]);
            // Minimise the negative objective; the penalty is per pixel so its weight does not depend on the image size.
            var objective = s - l2Weight * x.pow(2).sum(dims) / pixels;
            (-objective.sum()).backward();
            optimizer.step();
            using (no_grad()) x.clamp_(low, high);
        }
        double[] final;
        using (no_grad()) final = score(x).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        return new MaximisedInputs(x.detach().clone().MoveToOuterDisposeScope(), final);
    }

    /// <summary>The margin of the true class: logit[label] − the largest other logit, per image [B]. Negative
    /// means the prediction is wrong.</summary>
    public static Tensor Margin(Tensor logits, Tensor labels)
    {
        Shapes.Require(logits, "logits [B, classes]", -1, -1);
        Shapes.Require(labels, "labels [B]", logits.shape[0]);
        using var _ = NewDisposeScope();
        var own = logits.gather(1, labels.unsqueeze(1)).squeeze(1);
        var others = logits.scatter(1, labels.unsqueeze(1), full_like(own.unsqueeze(1), double.NegativeInfinity));
        return (own - others.max(1).values).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The smallest change along a gradient path that flips each prediction: from the image, steps of L2 length
    /// <paramref name="stepSize"/> down the gradient of the true class's margin (pixels kept in [low, high]) until
    /// the classifier predicts another class or <paramref name="maxSteps"/> pass; then a bisection on the straight
    /// line from the image to that point (<paramref name="bisections"/> halvings) finds the nearest point on it
    /// that still flips. <paramref name="logits"/> maps images [B, …] to [B, classes]; items must not interact
    /// (eval mode). Images already misclassified count as not flipped, with a change of 0.
    /// </summary>
    public static AdversarialExamples MinimalFlip(Func<Tensor, Tensor> logits, Tensor images, Tensor labels, double stepSize = 0.1,
                                                  int maxSteps = 200, int bisections = 12, double low = 0, double high = 1)
    {
        if (stepSize <= 0 || maxSteps < 1) throw new ArgumentException($"need stepSize > 0 and maxSteps ≥ 1, got {stepSize}, {maxSteps}");
        Shapes.Require(labels, "labels [B]", images.shape[0]);
        using var _ = NewDisposeScope();
        long b = images.shape[0];
        var view = new[] { b }.Concat(Enumerable.Repeat(1L, (int)images.dim() - 1)).ToArray();
        var original = images.detach();
        Tensor Wrong(Tensor x) { using (no_grad()) return Margin(logits(x), labels).lt(0); }
        var startedWrong = Wrong(original);
        var x = original.clone();
        var done = startedWrong.clone();
        for (int t = 0; t < maxSteps && !done.all().item<bool>(); t++)
        {
            using var step = NewDisposeScope();
            var input = x.clone().requires_grad_();
            Tensor margin;
            using (enable_grad()) margin = Margin(logits(input), labels);
            var g = autograd.grad(new[] { margin.sum() }, new[] { input })[0];
            var norm = g.reshape(b, -1).norm(1, true, 2).clamp_min(1e-12).view(view);
            var moved = (x - stepSize * g / norm).clamp(low, high);
            var active = done.logical_not().view(view).to_type(x.dtype);
            x.copy_(active * moved + (1 - active) * x);
            done.logical_or_(Wrong(x));
        }
        var flipped = done.logical_and(startedWrong.logical_not());
        // Bisection on x(t) = original + t·(x − original): hi always flips, lo never (t = 0 is the image).
        var lo = zeros(b, dtype: ScalarType.Float64);
        var hi = ones(b, dtype: ScalarType.Float64);
        var delta = x - original;
        for (int k = 0; k < bisections; k++)
        {
            using var step = NewDisposeScope();
            var mid = (lo + hi) / 2;
            var flips = Wrong(original + mid.to_type(x.dtype).view(view) * delta);
            hi.copy_(where(flips, mid, hi));
            lo.copy_(where(flips, lo, mid));
        }
        var t1 = where(flipped, hi, zeros_like(hi)).to_type(x.dtype).view(view);
        var adversarial = original + t1 * delta;
        var change = (adversarial - original).reshape(b, -1).to_type(ScalarType.Float64);
        double[] l2 = change.norm(1, false, 2).data<double>().ToArray();
        double[] linf = change.abs().max(1).values.data<double>().ToArray();
        long[] predicted;
        using (no_grad()) predicted = logits(adversarial).argmax(1).cpu().data<long>().ToArray();
        return new AdversarialExamples(adversarial.MoveToOuterDisposeScope(), startedWrong.cpu().data<bool>().ToArray(),
                                       flipped.cpu().data<bool>().ToArray(), l2, linf, predicted);
    }
}

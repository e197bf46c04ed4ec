// Maps a NoP-Learner freshly built with TorchSharp's default initialisation to the initialisation its
// config asks for. Kaiming-normal weights (ReLU gain, fan-in) with zero biases keep the image-dependent
// signal's size through the learner's ten or so layers; under the default ±1/√fan_in it shrinks about
// 0.4× per layer, until μ₀ varies by 3e-5 across images (research/nop-learner.md).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.Nop;

public static class LearnerInitialisation
{
    /// <summary>Re-initialises every convolution and linear layer of <paramref name="learner"/> (in place, without
    /// gradients) when <paramref name="kind"/> is KaimingNormal; Uniform leaves the default. The attention
    /// units' 3×3 spread convolutions keep their identity start.</summary>
    public static void Apply(Module learner, NopInitialisation kind)
    {
        if (kind == NopInitialisation.Uniform) return;
        using var _ = no_grad();
        foreach (var (name, module) in learner.named_modules())
        {
            if (name.EndsWith("spread", StringComparison.Ordinal)) continue;
            var (weight, bias) = module switch
            {
                Conv2d conv => (conv.weight, conv.bias),
                Linear linear => (linear.weight, linear.bias),
                _ => (null, null),
            };
            if (weight is null) continue;
            init.kaiming_normal_(weight, mode: init.FanInOut.FanIn, nonlinearity: init.NonlinearityType.ReLU);
            bias?.zero_();
        }
    }
}

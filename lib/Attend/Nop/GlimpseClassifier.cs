// Maps a 16×16 glimpse to a category: the NoP design notes' small CNN ending in a hard Gumbel-softmax, so the
// forward pass names exactly one of 16 categories and the backward pass still has a gradient.
using Attend.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using F = TorchSharp.torch.nn.functional;

namespace Attend.Nop;

public sealed class GlimpseClassifier : Module<Tensor, Generator?, (Tensor Category, Tensor Logits)>
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Conv2d conv3;
    readonly Conv2d conv4;
    readonly Linear fc1;
    readonly Linear fc2;
    readonly Linear fc3;
    readonly int inChannels;
    readonly double tau;

    public GlimpseClassifier(NopConfig c) : base(nameof(GlimpseClassifier))
    {
        inChannels = c.NameInput == NameInput.Shading ? 1 : c.InChannels;
        tau = c.GumbelTemperature;
        conv1 = Conv2d(inChannels, 16, 5, padding: 2);
        conv2 = Conv2d(16, 16, 3, padding: 1);
        conv3 = Conv2d(16, 16, 3, padding: 1);
        conv4 = Conv2d(16, 16, 3, padding: 1);
        fc1 = Linear(256, 64);
        fc2 = Linear(64, 32);
        fc3 = Linear(32, c.Categories);
        RegisterComponents();
    }

    /// <summary>Category logits [B, K] of glimpses [B, C, 16, 16].</summary>
    public Tensor Logits(Tensor glimpses)
    {
        Shapes.Require(glimpses, "glimpses", -1, inChannels, 16, 16);
        using var _ = NewDisposeScope();
        var x = F.relu(conv1.call(glimpses));
        x = F.relu(F.max_pool2d(conv2.call(x), 2));
        x = F.relu(conv3.call(x));
        x = F.relu(F.max_pool2d(conv4.call(x), 2));
        x = F.relu(fc1.call(x.view(-1, 256)));
        x = F.relu(fc2.call(x));
        return fc3.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>One-hot categories [B, K] (hard Gumbel-softmax, straight-through) and the logits.</summary>
    public override (Tensor Category, Tensor Logits) forward(Tensor glimpses, Generator? generator)
    {
        using var _ = NewDisposeScope();
        var logits = Logits(glimpses);
        var category = GumbelSoftmax.Sample(logits, tau, hard: true, generator: generator);
        return (category.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }
}

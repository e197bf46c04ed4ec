// Maps an image [B, 3, H, W] to ResNet-18's features after layer1 [B, 64, H/4, W/4]
// (conv1 · bn1 · relu · maxpool · layer1), with torchvision's structure and parameter names
// (conv1.weight, bn1.running_mean, layer1.0.conv2.weight, …) so its weights load by name.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Attend.DynamicFilters;

public sealed class BasicBlock : Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn1;
    readonly BatchNorm2d bn2;

    public BasicBlock(int channels) : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(channels, channels, 3, padding: 1, bias: false);
        bn1 = BatchNorm2d(channels);
        conv2 = Conv2d(channels, channels, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = functional.relu(bn1.call(conv1.call(x)));
        return functional.relu(bn2.call(conv2.call(h)) + x).MoveToOuterDisposeScope();
    }
}

public sealed class ResNet18Stem : Module<Tensor, Tensor>
{
    public const int Channels = 64;
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly MaxPool2d maxpool;
    readonly Sequential layer1;

    public ResNet18Stem() : base(nameof(ResNet18Stem))
    {
        conv1 = Conv2d(3, Channels, 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(Channels);
        maxpool = MaxPool2d(3, stride: 2, padding: 1);
        layer1 = Sequential(("0", new BasicBlock(Channels)), ("1", new BasicBlock(Channels)));
        // torchvision's initialisation: Kaiming-normal (fan_out) for convolutions.
        foreach (var (name, p) in named_parameters())
            if (name.EndsWith("conv1.weight") || name.EndsWith("conv2.weight"))
                init.kaiming_normal_(p, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)
    {
        Shapes.Require(images, "images", -1, 3, -1, -1);
        using var scope = NewDisposeScope();
        var x = maxpool.call(functional.relu(bn1.call(conv1.call(images))));
        return layer1.call(x).MoveToOuterDisposeScope();
    }
}

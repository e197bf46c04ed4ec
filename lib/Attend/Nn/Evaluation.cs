// Maps a classifier and labelled images to its accuracy: eval mode, no gradients, batches
// in a dispose scope, the model's mode restored. Shared by the STN experiment and the lab.
using Attend.Data;
using Attend.Training;
using static TorchSharp.torch;

namespace Attend.Nn;

public static class Evaluation
{
    public static double Accuracy(nn.Module<Tensor, Tensor> model, ImageSet set, Device? device = null, int batchSize = 500)
    {
        device ??= CPU;
        long correct = 0;
        EvaluationBatches.Run(model, set.Count, batchSize, (start, n) =>
        {
            var predicted = model.call(set.Images.narrow(0, start, n).to(device)).argmax(1).cpu();
            correct += predicted.eq(set.Labels.narrow(0, start, n)).sum().item<long>();
        });
        return (double)correct / set.Count;
    }
}

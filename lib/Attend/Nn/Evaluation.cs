// Maps a classifier and labelled images to its accuracy: eval mode, no gradients, batches
// in a dispose scope. Shared by the STN experiment and the dynamic filters lab.
using Attend.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Nn;

public static class Evaluation
{
    public static double Accuracy(nn.Module<Tensor, Tensor> model, ImageSet set, Device? device = null, int batchSize = 500)
    {
        device ??= CPU;
        model.eval();
        long correct = 0;
        using (no_grad())
            for (long start = 0; start < set.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(batchSize, set.Count - start);
                correct += model.call(set.Images.narrow(0, start, n).to(device)).argmax(1).cpu().eq(set.Labels.narrow(0, start, n)).sum().item<long>();
            }
        return (double)correct / set.Count;
    }
}

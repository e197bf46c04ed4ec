// Maps between the loop code's arrays (one example: [maps, x, y], filters [n, m, i, j]) and
// float64 tensors, so loops, tensor formulas and autograd can be compared.
using static TorchSharp.torch;

namespace Attend.Backprop;

public static class Grids
{
    public static Tensor ToTensor(double[,,] a)
        => tensor(a.Cast<double>().ToArray(), new long[] { 1, a.GetLength(0), a.GetLength(1), a.GetLength(2) }, float64);

    public static Tensor ToTensor(double[,,,] a)
        => tensor(a.Cast<double>().ToArray(), new long[] { a.GetLength(0), a.GetLength(1), a.GetLength(2), a.GetLength(3) }, float64);

    /// <summary>[C, H, W] or [1, C, H, W] → array.</summary>
    public static double[,,] To3(Tensor t)
    {
        using var x = t.dim() == 4 ? t[0] : t.alias();
        if (x.dim() != 3) throw new ArgumentException($"expected [C, H, W] or [1, C, H, W], got [{string.Join(", ", t.shape)}]");
        var v = x.to_type(float64).contiguous().data<double>().ToArray();
        var a = new double[x.shape[0], x.shape[1], x.shape[2]];
        Buffer.BlockCopy(v, 0, a, 0, v.Length * sizeof(double));
        return a;
    }

    public static double[,,,] To4(Tensor t)
    {
        if (t.dim() != 4) throw new ArgumentException($"expected [N, M, k, k], got [{string.Join(", ", t.shape)}]");
        var v = t.to_type(float64).contiguous().data<double>().ToArray();
        var a = new double[t.shape[0], t.shape[1], t.shape[2], t.shape[3]];
        Buffer.BlockCopy(v, 0, a, 0, v.Length * sizeof(double));
        return a;
    }

    public static double MaxAbsDiff(Tensor a, Tensor b) => (a.to_type(float64) - b.to_type(float64)).abs().max().item<double>();
}

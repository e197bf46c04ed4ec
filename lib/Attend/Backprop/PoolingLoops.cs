// Maps the lecture's pooling pseudocode to loops: max pooling remembers which input won each
// window (maxidx) and routes the derivative back to it alone; mean pooling shares it equally.
namespace Attend.Backprop;

public static class PoolingLoops
{
    /// <summary>Max over each k×k window (stride s), per map; also the winning (x, y) of each window.</summary>
    public static (double[,,] Pooled, (int X, int Y)[,,] ArgMax) MaxForward(double[,,] y, int k, int stride)
    {
        int maps = y.GetLength(0);
        int oh = (y.GetLength(1) - k) / stride + 1;
        int ow = (y.GetLength(2) - k) / stride + 1;
        var pooled = new double[maps, oh, ow];
        var argmax = new (int, int)[maps, oh, ow];
        for (int m = 0; m < maps; m++)
            for (int x = 0; x < oh; x++)
                for (int yy = 0; yy < ow; yy++)
                {
                    (int bx, int by) = (x * stride, yy * stride);
                    for (int i = 0; i < k; i++)
                        for (int j = 0; j < k; j++)
                            if (y[m, x * stride + i, yy * stride + j] > y[m, bx, by]) (bx, by) = (x * stride + i, yy * stride + j);
                    pooled[m, x, yy] = y[m, bx, by];
                    argmax[m, x, yy] = (bx, by);
                }
        return (pooled, argmax);
    }

    /// <summary>The derivative of each pooled value goes to the input that was copied; the others
    /// did not influence the output, so their derivative is 0.</summary>
    public static double[,,] MaxBackward(double[,,] dPooled, (int X, int Y)[,,] argmax, int inputH, int inputW)
    {
        var dy = new double[dPooled.GetLength(0), inputH, inputW];
        for (int m = 0; m < dPooled.GetLength(0); m++)
            for (int x = 0; x < dPooled.GetLength(1); x++)
                for (int y = 0; y < dPooled.GetLength(2); y++)
                    dy[m, argmax[m, x, y].X, argmax[m, x, y].Y] += dPooled[m, x, y];
        return dy;
    }

    /// <summary>Mean pooling backward: each input in a window gets 1/k² of the window's derivative.</summary>
    public static double[,,] MeanBackward(double[,,] dPooled, int k, int stride, int inputH, int inputW)
    {
        var dy = new double[dPooled.GetLength(0), inputH, inputW];
        for (int m = 0; m < dPooled.GetLength(0); m++)
            for (int x = 0; x < dPooled.GetLength(1); x++)
                for (int y = 0; y < dPooled.GetLength(2); y++)
                    for (int i = 0; i < k; i++)
                        for (int j = 0; j < k; j++)
                            dy[m, x * stride + i, y * stride + j] += dPooled[m, x, y] / (k * k);
        return dy;
    }
}

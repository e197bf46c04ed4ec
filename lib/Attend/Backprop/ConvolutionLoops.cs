// Maps the CNN backprop lecture's pseudocode to loops, one example at a time: maps y(m, x, y)
// of layer l−1, filters w(n, m, i, j) and biases b(n) to z(n, x, y) of layer l, and the
// derivative of the divergence back to y, w and b. Written for reading, not speed: the
// vectorised versions (ConvolutionTensors) and TorchSharp's autograd are checked against it.
namespace Attend.Backprop;

public static class ConvolutionLoops
{
    /// <summary>z(n, x, y) = b(n) + Σ_m Σ_{i,j} w(n, m, i, j) · y(m, x·s + i, y·s + j): each filter scans every input map.</summary>
    public static double[,,] Forward(double[,,] y, double[,,,] w, double[] b, int stride = 1)
    {
        int maps = y.GetLength(0);
        int h = y.GetLength(1);
        int wd = y.GetLength(2);
        int filters = w.GetLength(0);
        int k = w.GetLength(2);
        if (w.GetLength(1) != maps) throw new ArgumentException($"filters expect {w.GetLength(1)} input maps, y has {maps}");
        if (b.Length != filters) throw new ArgumentException($"{filters} filters but {b.Length} biases");
        if (stride < 1) throw new ArgumentException($"stride must be positive, got {stride}");
        int oh = (h - k) / stride + 1;
        int ow = (wd - k) / stride + 1;
        var z = new double[filters, oh, ow];
        for (int n = 0; n < filters; n++)
            for (int x = 0; x < oh; x++)
                for (int yy = 0; yy < ow; yy++)
                {
                    double sum = b[n];
                    for (int m = 0; m < maps; m++)
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++)
                                sum += w[n, m, i, j] * y[m, x * stride + i, yy * stride + j];
                    z[n, x, yy] = sum;
                }
        return z;
    }

    /// <summary>dDiv/dz(n, x, y) = dDiv/dy(n, x, y) · f′(z(n, x, y)): component-wise through the activation.</summary>
    public static double[,,] ThroughActivation(double[,,] dy, double[,,] z, Func<double, double> derivative)
    {
        var dz = new double[dy.GetLength(0), dy.GetLength(1), dy.GetLength(2)];
        for (int n = 0; n < dz.GetLength(0); n++)
            for (int x = 0; x < dz.GetLength(1); x++)
                for (int y = 0; y < dz.GetLength(2); y++)
                    dz[n, x, y] = dy[n, x, y] * derivative(z[n, x, y]);
        return dz;
    }

    /// <summary>dDiv/dy(m, x′, y′) = Σ_n Σ_{x,y} dDiv/dz(n, x, y) · w(n, m, x′ − x·s, y′ − y·s): every z a y
    /// influenced sends its derivative back through the weight that connected them (the same
    /// loops as the forward pass, with the multiply-add turned around).</summary>
    public static double[,,] BackwardInput(double[,,] dz, double[,,,] w, int inputH, int inputW, int stride = 1)
    {
        int filters = w.GetLength(0);
        int maps = w.GetLength(1);
        int k = w.GetLength(2);
        var dy = new double[maps, inputH, inputW];
        for (int n = 0; n < filters; n++)
            for (int x = 0; x < dz.GetLength(1); x++)
                for (int y = 0; y < dz.GetLength(2); y++)
                    for (int m = 0; m < maps; m++)
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++)
                                dy[m, x * stride + i, y * stride + j] += dz[n, x, y] * w[n, m, i, j];
        return dy;
    }

    /// <summary>dDiv/dw(n, m, i, j) = Σ_{x,y} dDiv/dz(n, x, y) · y(m, x·s + i, y·s + j), and dDiv/db(n) = Σ_{x,y} dDiv/dz(n, x, y):
    /// a weight touches every position of one z-map.</summary>
    public static (double[,,,] Dw, double[] Db) BackwardWeights(double[,,] dz, double[,,] y, int k, int stride = 1)
    {
        int filters = dz.GetLength(0);
        int maps = y.GetLength(0);
        var dw = new double[filters, maps, k, k];
        var db = new double[filters];
        for (int n = 0; n < filters; n++)
            for (int x = 0; x < dz.GetLength(1); x++)
                for (int yy = 0; yy < dz.GetLength(2); yy++)
                {
                    db[n] += dz[n, x, yy];
                    for (int m = 0; m < maps; m++)
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++)
                                dw[n, m, i, j] += dz[n, x, yy] * y[m, x * stride + i, yy * stride + j];
                }
        return (dw, db);
    }

    /// <summary>Transposed ("expanding") convolution: each input value stamps the filter, scaled,
    /// onto an output s times larger; exactly <see cref="BackwardInput"/> used as a forward layer.</summary>
    public static double[,,] Transposed(double[,,] input, double[,,,] w, int stride)
    {
        int k = w.GetLength(2);
        return BackwardInput(input, w, (input.GetLength(1) - 1) * stride + k, (input.GetLength(2) - 1) * stride + k, stride);
    }
}

// Shared test helpers: deterministic single-thread TorchSharp and tolerance checks.
using System.Runtime.CompilerServices;

namespace Attend.Tests;

static class TestTorch
{
    [ModuleInitializer]
    internal static void Init()
    {
        set_num_threads(1);           // reproducible float sums across runs
        manual_seed(1234);
    }

    public static double MaxAbsDiff(Tensor a, Tensor b) => (a - b).abs().max().item<double>();

    public static void Close(Tensor expected, Tensor actual, double tol, string what = "")
    {
        Assert.Equal(expected.shape, actual.shape);
        double d = MaxAbsDiff(expected.to_type(ScalarType.Float64), actual.to_type(ScalarType.Float64));
        Assert.True(d <= tol, $"{what}: max |diff| {d:E3} > {tol:E1}");
    }

    /// <summary>Central finite-difference check of d(sum(f(x)·w))/dx against autograd, in float64.</summary>
    public static void GradCheck(Func<Tensor, Tensor> f, Tensor x0, double eps = 1e-6, double tol = 1e-5)
    {
        using var _ = NewDisposeScope();
        var x = x0.to_type(ScalarType.Float64).detach().clone().requires_grad_();
        var w = rand_like(f(x.detach()), dtype: ScalarType.Float64);   // random projection of the output
        (f(x) * w).sum().backward();
        var analytic = x.grad!.clone();
        var flat = x.detach().clone().flatten();
        var numeric = zeros_like(flat);
        for (long i = 0; i < flat.shape[0]; i++)
        {
            double v = flat[i].item<double>();
            flat[i] = v + eps;
            double up = (f(flat.view(x.shape)) * w).sum().item<double>();
            flat[i] = v - eps;
            double down = (f(flat.view(x.shape)) * w).sum().item<double>();
            flat[i] = v;
            numeric[i] = (up - down) / (2 * eps);
        }
        Close(numeric.view(x.shape), analytic, tol, "finite differences vs autograd");
    }
}

// Both networks' image terms (ImageTermsFunction) against each network's dense product: values and the gradients of
// both weights and biases, on mostly-background scenes (the inked-pixel loops) and on dense ones (the dense products),
// in float64 and float32; the ink found per pixel; and the density limit.
using Attend.Air;

namespace Attend.Tests.Air;

public class ImageTermsTests
{
    static readonly AirConfig Config = new();

    /// <summary>(terms, then the gradients of weight and bias of each network) for a random projection of the terms.</summary>
    static Tensor[] TermsAndGradients(Func<InferenceRnn, InferenceRnn, Tensor, Tensor> terms, Tensor flat, ScalarType dtype)
    {
        manual_seed(5);
        using var first = new InferenceRnn(Config, baseline: false);
        using var second = new InferenceRnn(Config, baseline: true);
        first.to(dtype);
        second.to(dtype);
        var result = terms(first, second, flat.to_type(dtype));
        var w = rand(result.shape, dtype: dtype, generator: new Generator(6));
        (result * w).sum().backward();
        var parameters = new[] { first.parameters().First(), first.parameters().Skip(2).First(),
                                 second.parameters().First(), second.parameters().Skip(2).First() };
        return new[] { result.detach().clone() }.Concat(parameters.Select(p => p.grad!.clone())).ToArray();
    }

    static Tensor Together(InferenceRnn a, InferenceRnn b, Tensor flat)
    {
        var (first, second) = InferenceRnn.ImageTerms(a, b, flat);
        return cat(new[] { first, second }, 1);
    }

    static Tensor Separately(InferenceRnn a, InferenceRnn b, Tensor flat) => cat(new[] { a.ImageTerm(flat), b.ImageTerm(flat) }, 1);

    [Theory]
    [InlineData(true, ScalarType.Float64, 1e-12)]
    [InlineData(true, ScalarType.Float32, 1e-5)]
    [InlineData(false, ScalarType.Float64, 1e-12)]
    [InlineData(false, ScalarType.Float32, 1e-4)]
    public void Both_terms_together_equal_each_networks_dense_product(bool mostlyBackground, ScalarType dtype, double tolerance)
    {
        var scenes = mostlyBackground ? AirTests.InkedScenes(7, 8) : rand(new long[] { 7, 1, 50, 50 }, generator: new Generator(8));
        var flat = scenes.reshape(7, -1);
        var expected = TermsAndGradients(Separately, flat, dtype);
        var actual = TermsAndGradients(Together, flat, dtype);
        string[] names = { "terms", "first weight's gradient", "first bias's gradient", "second weight's gradient", "second bias's gradient" };
        for (int i = 0; i < names.Length; i++)
        {
            Assert.True(expected[i].abs().sum().to_type(ScalarType.Float64).item<double>() > 0, $"{names[i]} are all zero");
            TestTorch.Close(expected[i], actual[i], tolerance, names[i]);
        }
        if (!mostlyBackground) return;
        // Pixels without ink in any scene give their weights no gradient.
        var background = flat.ne(0).any(0).logical_not();
        Assert.True(background.any().item<bool>());
        Assert.Equal(0.0, actual[1][background].abs().max().to_type(ScalarType.Float64).item<double>());
    }

    [Fact]
    public void The_ink_is_found_pixel_by_pixel_and_dense_scenes_are_left_to_the_dense_product()
    {
        var flat = zeros(3, 20);
        flat[0, 0] = tensor(0.5f);
        flat[2, 0] = tensor(0.25f);
        flat[1, 19] = tensor(1f);       // past the last whole vector of 8
        flat[2, 9] = tensor(-2f);
        var ink = InkedPixels<float>.Find(flat, 0.1);
        Assert.NotNull(ink);
        Assert.Equal(4, ink!.Count);
        // Through the function (4 of 60 values inked: the inked-pixel loops), with weightT's pixel k adding x[i, k] to
        // column k mod 2 of the first network's term and −x[i, k] to column k mod 2 of the second's.
        var weightT = zeros(20, 2);
        for (int k = 0; k < 20; k++) weightT[k, k % 2] = tensor(1f);
        var terms = ImageTermsFunction.apply(flat, weightT, tensor(new[] { 10f, 20f }), -weightT, tensor(new[] { 1f, 2f }));
        Assert.Equal(new[] { 10.5f, 20f, 0.5f, 2f, 10f, 21f, 1f, 1f, 10.25f, 18f, 0.75f, 4f }, terms.data<float>().ToArray());
        Assert.Null(InkedPixels<float>.Find(flat, 4.0 / 60 - 1e-9));   // 4 of 60 values inked: more than the limit
        Assert.Null(InkedPixels<float>.Find(rand(4, 2500), ImageTermsFunction.MaxInkDensity));
    }
}

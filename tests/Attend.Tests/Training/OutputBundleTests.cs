using Attend.Nn;

namespace Attend.Tests.Training;

public class OutputBundleTests
{
    sealed class Pair : OutputBundle
    {
        public required Tensor A { get; init; }
        public required Tensor B { get; init; }
        public Tensor Sum => A + B;   // computed: owns nothing
    }

    [Fact]
    public void Dispose_releases_every_owned_tensor_once()
    {
        var p = new Pair { A = ones(2), B = zeros(2) };
        Assert.Equal(2, p.Tensors().Count());
        using (var s = p.Sum) Assert.Equal(2f, s.sum().item<float>());
        p.Dispose();
        Assert.True(p.A.IsInvalid);
        Assert.True(p.B.IsInvalid);
        p.Dispose();   // twice is harmless
    }
}

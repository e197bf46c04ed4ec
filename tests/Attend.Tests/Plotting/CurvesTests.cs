using Attend.Plotting;

namespace Attend.Tests.Plotting;

public class CurvesTests
{
    [Fact]
    public void Curves_render_a_png_of_the_requested_size_and_reject_ragged_series()
    {
        var fig = Curves.Render("error", "epoch", "test error",
                                new[] { new Series("CNN", new double[] { 1, 2, 3 }, new[] { 0.3, 0.2, 0.1 }) }, 320, 200);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, fig.Png[..4]);
        Assert.Equal((320, 200), (fig.Width, fig.Height));
        Assert.Throws<ArgumentException>(() => Curves.Render("t", "x", "y", new[] { new Series("bad", new double[] { 1, 2 }, new double[] { 1 }) }));
        Assert.Throws<ArgumentException>(() => Curves.Render("t", "x", "y", Array.Empty<Series>()));
    }
}

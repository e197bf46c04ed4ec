// Maps the Fashion-MNIST sources (official site, the Debian package's installed files, or
// the Debian package fetched with apt-get download) to train and test image sets.
namespace Attend.Data;

public static class FashionMnist
{
    public static readonly string[] ClassNames =
        { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    // Stored decompressed: the official .gz files and Debian's re-compressed copies differ
    // as bytes but hold the same IDX content, so one checksum covers every source.
    public static readonly DatasetSpec Spec = new(
        "fashion-mnist",
        new DataFile[]
        {
            new("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47040016),
            new("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60008),
            new("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7840016),
            new("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10008),
        },
        new IDataSource[]
        {
            new LocalFolderSource("/usr/share/datasets/fashion-mnist", n => n + ".gz", gunzip: true),
            new HttpSource("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", n => n + ".gz", gunzip: true,
                           timeout: TimeSpan.FromMinutes(5)),
            new AptPackageSource("dataset-fashion-mnist", "usr/share/datasets/fashion-mnist", n => n + ".gz", gunzip: true),
        },
        "Or install the Debian package: apt-get install dataset-fashion-mnist. Fashion-MNIST is by Zalando Research (MIT licence).");

    public static (ImageSet Train, ImageSet Test) Load(DatasetStore? store = null)
    {
        var p = (store ?? DatasetStore.Default()).Ensure(Spec);
        return (Mnist.FromIdx(p["train-images-idx3-ubyte"], p["train-labels-idx1-ubyte"], "Fashion-MNIST train (60,000)"),
                Mnist.FromIdx(p["t10k-images-idx3-ubyte"], p["t10k-labels-idx1-ubyte"], "Fashion-MNIST test (10,000)"));
    }
}

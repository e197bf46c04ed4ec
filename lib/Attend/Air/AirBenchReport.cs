// Maps a result file of `bench air` (bench/results/air*.json) to its per-seed table and a one-line
// summary, so notebook 07 can show the reliability over seeds, and compare runs, without training.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Attend.Air;

/// <summary>One seed's training in a `bench air` run; <see cref="MinutesTo98"/> is null where 98 % was never reached.</summary>
public sealed record AirBenchSeed(int Seed, double FinalAccuracy, double? MinutesTo98, double Minutes50Epochs, double ThreeDigitAccuracy);

public sealed class AirBenchReport
{
    /// <summary>The held-out count accuracy a seed must end with to count as reaching the target.</summary>
    public const double Target = 0.98;

    public required string File { get; init; }
    public required string DateUtc { get; init; }
    public required int Threads { get; init; }
    public required int Epochs { get; init; }
    public required int TrainScenes { get; init; }
    /// <summary>The baseline's learning rate; null in files written before the benchmark recorded it.</summary>
    public double? BaselineLearningRate { get; init; }
    /// <summary>"as it comes" or MKL's AVX-512 path; null in files written before the benchmark recorded it.</summary>
    public string? MklPath { get; init; }
    public required IReadOnlyList<AirBenchSeed> Seeds { get; init; }

    public int SeedsReaching98 => Seeds.Count(s => s.FinalAccuracy >= Target);

    /// <summary>Median minutes to 98 %, a seed that never reached it counting as +∞ (null when that is the median).</summary>
    public double? MedianMinutesTo98 => Median(Seeds.Select(s => s.MinutesTo98 ?? double.PositiveInfinity));

    /// <summary>The median as `bench air` writes it: null for no values, and null where it is infinite (a seed that
    /// never reached the target counts as +∞).</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return null;
        double m = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return double.IsFinite(m) ? m : null;
    }

    /// <summary>Reads a `bench air` result; a missing file or field is an error that names the file and the field.</summary>
    public static AirBenchReport Load(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"no bench air result at {path}: run `dotnet run -c Release --project bench/Attend.Bench -- air`", path);
        string name = Path.GetFileName(path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(System.IO.File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{name} is not valid JSON: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{name}: expected a JSON object, found {root.ValueKind}");
            var seeds = Required(root, "seeds", name);
            if (seeds.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{name}: 'seeds' is not an array (a speed-only result?)");
            return new AirBenchReport
            {
                File = name,
                DateUtc = Required(root, "date_utc", name).GetString() ?? "",
                Threads = Required(root, "threads", name).GetInt32(),
                Epochs = Required(root, "epochs", name).GetInt32(),
                TrainScenes = Required(root, "train_scenes", name).GetInt32(),
                BaselineLearningRate = root.TryGetProperty("baseline_learning_rate", out var lr) && lr.ValueKind == JsonValueKind.Number
                    ? lr.GetDouble() : null,
                MklPath = root.TryGetProperty("mkl_path", out var mkl) && mkl.ValueKind == JsonValueKind.String ? mkl.GetString() : null,
                Seeds = seeds.EnumerateArray().Select(s => new AirBenchSeed(
                    Required(s, "seed", name).GetInt32(),
                    Required(s, "final_accuracy", name).GetDouble(),
                    Required(s, "minutes_to_98", name) is { ValueKind: JsonValueKind.Number } t ? t.GetDouble() : null,
                    Required(s, "minutes_50_epochs", name).GetDouble(),
                    Required(s, "three_digit_count_accuracy", name).GetDouble())).ToList(),
            };
        }
    }

    static JsonElement Required(JsonElement e, string field, string file)
        => e.TryGetProperty(field, out var v) ? v : throw new InvalidDataException($"{file}: field '{field}' is missing");

    /// <summary>The per-seed table: held-out accuracy, minutes to 98 %, minutes for all epochs, 3-digit accuracy.</summary>
    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine(Heading());
        sb.AppendLine($"{"seed",4}  {"held-out",9}  {"98 % after",10}  {Epochs + " epochs",9}  {"3 digits",8}");
        foreach (var s in Seeds)
        {
            string to98 = s.MinutesTo98 is { } m ? Invariant($"{m:F1} min") : "never";
            sb.AppendLine(Invariant($"{s.Seed,4}  {s.FinalAccuracy,9:P2}  {to98,10}  {s.Minutes50Epochs,5:F1} min  {s.ThreeDigitAccuracy,8:P1}"));
        }
        sb.Append(Invariant($"{SeedsReaching98} of {Seeds.Count} seeds reached ≥ {Target:P0} held-out count accuracy (target: 9 of 10)."));
        return sb.ToString();
    }

    /// <summary>One line: how many seeds reached 98 %, which did not (with their final accuracy), the median time to 98 %.</summary>
    public string Summary()
    {
        var failed = Seeds.Where(s => s.FinalAccuracy < Target).Select(s => Invariant($"seed {s.Seed} ended at {s.FinalAccuracy:P2}")).ToList();
        string median = MedianMinutesTo98 is { } m ? Invariant($"{m:F2} min") : "never";
        return Invariant($"{SeedsReaching98} of {Seeds.Count} seeds reached ≥ {Target:P0}") +
               (failed.Count > 0 ? $" ({string.Join(", ", failed)})" : "") + $"; median time to {Target:P0}: {median}";
    }

    string Heading()
        => Invariant($"{File} ({DateUtc} UTC, {Threads} thread(s), {Epochs} epochs of {TrainScenes:N0} scenes per seed") +
           (BaselineLearningRate is { } lr ? Invariant($", baseline learning rate {lr:G}") : "") +
           (MklPath is { } p ? $", MKL {p}" : "") + "):";

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

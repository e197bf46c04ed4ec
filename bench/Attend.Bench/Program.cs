// Entry point: dotnet run -c Release --project bench/Attend.Bench -- [foundation] [engine] [kernel] [lab] [air] [notebooks] [allocator]
//              [--repeats N] [--seeds K] [--first-seed S] [--epochs E] [--signal-decay D (air: NVIL's decay, 0 = off)]
//              [--baseline-lr L (air: the baseline's learning rate)] [--quick]
using Attend.Bench;

if (args is ["noop"]) return 0;   // the plain program the engine's cold start is compared with
// Measure under the allocator settings the notebooks run with (the runner's and the kernel's).
if (!Attend.Notebooks.NativeAllocator.InEffect && Attend.Notebooks.NativeAllocator.ReExecute(args) is { } exitCode) return exitCode;

int repeats = 30;
int seeds = 5;
int firstSeed = 0;
int epochs = 50;
bool quick = false;
double? signalDecay = null;
double? baselineLr = null;
var suites = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--repeats" && i + 1 < args.Length && int.TryParse(args[++i], out int r) && r > 0) repeats = r;
    else if (args[i] == "--seeds" && i + 1 < args.Length && int.TryParse(args[++i], out int k) && k >= 0) seeds = k;
    else if (args[i] == "--epochs" && i + 1 < args.Length && int.TryParse(args[++i], out int e) && e > 0) epochs = e;
    else if (args[i] == "--first-seed" && i + 1 < args.Length && int.TryParse(args[++i], out int f) && f >= 0) firstSeed = f;
    else if (args[i] == "--quick") quick = true;
    else if (args[i] == "--signal-decay" && i + 1 < args.Length
             && double.TryParse(args[++i], System.Globalization.CultureInfo.InvariantCulture, out double d)) signalDecay = d;
    else if (args[i] == "--baseline-lr" && i + 1 < args.Length
             && double.TryParse(args[++i], System.Globalization.CultureInfo.InvariantCulture, out double l) && l > 0) baselineLr = l;
    else if (args[i].StartsWith("--"))
    {
        Console.Error.WriteLine($"unknown option {args[i]}; usage: [foundation] [engine] [kernel] [lab] [air] [notebooks] [allocator] " +
                                "[--repeats N] [--seeds K] [--first-seed S] [--epochs E] [--signal-decay D] [--baseline-lr L] [--quick]");
        return 2;
    }
    else suites.Add(args[i]);
}
if (suites.Count == 0) suites.Add("foundation");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; repeats {repeats}");
foreach (var s in suites)
{
    switch (s)
    {
        case "foundation": FoundationBench.Run(repeats); break;
        case "engine": await EngineBench.Run(repeats); break;
        case "kernel": if (KernelBench.Run(repeats) != 0) return 1; break;
        case "lab": LabBench.Run(repeats); break;
        case "air": AirBench.Run(repeats, seeds, firstSeed, epochs, signalDecay, baselineLr); break;
        case "notebooks": if (NotebooksBench.Run(quick) != 0) return 1; break;
        case "allocator": if (AllocatorBench.Run(repeats) != 0) return 1; break;
        case "allocator-measure": AllocatorBench.Measure(repeats); break;   // the allocator suite's child process
        case AirMatrixProducts.ChildSuite: AirMatrixProducts.Child(repeats); break;   // the air suite's child process
        case AirMklPaths.ChildSuite: AirMklPaths.RunChild(); break;                   // the air suite's child process
        default: Console.Error.WriteLine($"unknown suite '{s}'; known: foundation, engine, kernel, lab, air, notebooks, allocator"); return 2;
    }
}
return 0;

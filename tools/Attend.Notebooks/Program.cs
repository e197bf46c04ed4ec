// Entry point of the notebook runner: dotnet run --project tools/Attend.Notebooks -- run …
using System.CommandLine;
using Attend.Notebooks;
using Attend.Notebooks.Engine;
using Attend.Notebooks.Kernel;
using Attend.Notebooks.Runner;

// A kernel's first cell waits for Roslyn to load and compile once: start that before anything else.
if (args is ["kernel", "start", ..]) _ = ExecutionSession.StartWarmUp();   // runs on while the kernel starts

// Notebooks train on large tensors: run them under the allocator settings that reuse them.
if (args is ["run", ..] && !NativeAllocator.InEffect && NativeAllocator.ReExecute(args) is { } exitCode) return exitCode;

var root = new RootCommand("C# notebook engine: run .ipynb/.dib notebooks headless, or serve them to Jupyter as a kernel (Roslyn scripting).");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(KernelCommand.Create());
return await root.Parse(args).InvokeAsync();

// Entry point of the notebook runner: dotnet run --project tools/Attend.Notebooks -- run …
using System.CommandLine;
using Attend.Notebooks.Runner;

var root = new RootCommand("C# notebook engine: run .ipynb/.dib notebooks headless (Roslyn scripting).");
root.Subcommands.Add(RunCommand.Create());
return await root.Parse(args).InvokeAsync();

// Entry point: dotnet run --project tools/Attend.Data -- fetch|list ...
using System.CommandLine;
using Attend.DataTool;

var data = DataCommand.Create();
var root = new RootCommand(data.Description!);
foreach (var c in data.Subcommands) root.Subcommands.Add(c);
return root.Parse(args).Invoke();

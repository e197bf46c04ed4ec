// Entry point of the `attend` command line.
using System.CommandLine;
using Attend.Notebooks;

var root = new RootCommand("Attention-model notebooks in C#: data sets and the notebook runner.");
root.Subcommands.Add(DataCommand.Create());
return root.Parse(args).Invoke();

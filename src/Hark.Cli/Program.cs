using System.CommandLine;
using Hark.Cli;
using Hark.Cli.Commands;

var root = new RootCommand("Hark: convert, run, measure and serve fine-tuned Whisper models.");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await CliHost.RunAsync(root, args);

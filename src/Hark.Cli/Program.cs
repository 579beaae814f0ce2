using Hark.Cli;
using Hark.Cli.Commands;

return await CliHost.RunAsync(CliHost.CreateRoot(CommandCatalog.All()), args);

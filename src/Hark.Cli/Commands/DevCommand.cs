using System.CommandLine;

namespace Hark.Cli.Commands;

/// <summary><c>hark dev …</c>: tools for developers of Hark and of fine-tunes (random models, features).</summary>
internal static class DevCommand
{
    public static Command Create()
    {
        var dev = new Command("dev", "Developer tools: random-weight models, log-mel features.");
        foreach (var sub in DevSubcommands.All()) dev.Subcommands.Add(sub);
        return dev;
    }
}

/// <summary>The <c>hark dev</c> subcommands, one file each.</summary>
internal static class DevSubcommands
{
    public static IEnumerable<Command> All()
    {
        yield return RandomModelCommand.Create();
        yield return MelCommand.Create();
        yield return DevFetchCommand.Create();
    }
}

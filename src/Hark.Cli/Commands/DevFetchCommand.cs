using System.CommandLine;

namespace Hark.Cli.Commands;

/// <summary><c>hark dev fetch MODEL</c>: resolves a <c>--model</c> argument (downloading into the hub cache) and prints the folder.</summary>
internal static class DevFetchCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = ModelArgument.Help };
        var command = new Command("fetch", "Download a model into the Hugging Face cache (for offline use later) and print its folder.") { model };
        command.SetAction(async (parse, ct) =>
        {
            var folder = await ModelArgument.ResolveAsync(parse.GetValue(model)!, ct).ConfigureAwait(false);
            Console.Out.WriteLine(folder);
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;

namespace Hark.Cli;

/// <summary>Process exit codes of <c>hark</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = CommandLineErrors.Failure;
    public const int BadInput = CommandLineErrors.BadInput;

    /// <summary>Interrupted by Ctrl-C (SIGINT), as shells report 128 + 2.</summary>
    public const int Interrupted = 130;
}

/// <summary>
/// Runs the parsed command line and turns errors into the CLI contract: one line on stderr, no stack trace,
/// exit 2 for bad input or usage (checked before any work), 1 for anything else, 130 when interrupted.
/// </summary>
internal static class CliHost
{
    /// <summary>The root of <c>hark</c>'s command tree: named <c>hark</c> (not the assembly's name) in usage lines.</summary>
    public static Command CreateRoot(IEnumerable<Command> commands)
    {
        var root = new RootCommand("Hark: transcribe with, convert, inspect and measure fine-tuned Whisper models.");
        var hark = new Command("hark", root.Description);
        foreach (var option in root.Options) hark.Options.Add(option); // --help, --version
        foreach (var command in commands) hark.Subcommands.Add(command);
        return hark;
    }

    public static async Task<int> RunAsync(Command root, string[] args, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        var parse = root.Parse(OpenAiSpellings.Normalize(root, args));
        if (UsageCheck.FirstError(parse) is { } usage)
        {
            stderr.WriteLine($"hark: {TerminalText.Escape(usage)} (see 'hark {CommandPath(parse)}--help')");
            return ExitCodes.BadInput;
        }

        using var cts = new CancellationTokenSource();
        // The first Ctrl-C cancels (finished work is written, exit 130); a second one ends the process at once.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !cts.IsCancellationRequested;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            // Ctrl-C is handled here (exit 130 once finished work is written), not by System.CommandLine's own handler.
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(config, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            stderr.WriteLine("hark: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            return Report(ex, stderr);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Prints one line for <paramref name="ex"/> and returns the exit code it maps to.</summary>
    public static int Report(Exception ex, TextWriter stderr) => CommandLineErrors.Report(ex, stderr, "hark");

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var c = parse.CommandResult; c.Parent is System.CommandLine.Parsing.CommandResult parent; c = parent) names.Insert(0, c.Command.Name);
        return names.Count == 0 ? "" : string.Join(' ', names) + " ";
    }
}

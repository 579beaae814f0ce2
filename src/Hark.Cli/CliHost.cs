using System.CommandLine;

namespace Hark.Cli;

/// <summary>Process exit codes of <c>hark</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = CommandLineErrors.Failure;
    public const int BadInput = CommandLineErrors.BadInput;
}

/// <summary>
/// Runs the parsed command line and turns errors into the CLI contract: one line on stderr, no stack trace,
/// exit 2 for bad input or usage, 1 for anything else.
/// </summary>
internal static class CliHost
{
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"hark: {TerminalText.Escape(parse.Errors[0].Message)} (see 'hark --help')");
            return ExitCodes.BadInput;
        }

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(config, cts.Token).ConfigureAwait(false);
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
}

using System.CommandLine;

namespace Hark.Cli;

/// <summary>Process exit codes of <c>hark</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
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
            stderr.WriteLine($"hark: {parse.Errors[0].Message} (see 'hark --help')");
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
    public static int Report(Exception ex, TextWriter stderr)
    {
        switch (ex)
        {
            case HarkInputException input:
                stderr.WriteLine($"hark: {input.Message}");
                return ExitCodes.BadInput;
            case OperationCanceledException:
                stderr.WriteLine("hark: cancelled");
                return ExitCodes.Failure;
            case HarkException known:
                stderr.WriteLine($"hark: {known.Message}");
                return ExitCodes.Failure;
            case AggregateException { InnerExceptions.Count: 1 } agg:
                return Report(agg.InnerExceptions[0], stderr);
            default:
                stderr.WriteLine($"hark: internal error: {ex.GetType().Name}: {ex.Message}");
                if (Environment.GetEnvironmentVariable("HARK_DEBUG") == "1") stderr.WriteLine(ex);
                return ExitCodes.Failure;
        }
    }
}

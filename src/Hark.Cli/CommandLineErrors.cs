namespace Hark.Cli;

/// <summary>
/// How Hark's command-line programs (<c>hark</c>, the benchmarks) report a failure: one line on stderr, no stack trace
/// (set <c>HARK_DEBUG=1</c> for one), exit 2 for bad input and 1 for anything else. Messages carry text from files, so
/// they are escaped and bounded (<see cref="TerminalText"/>). A CLI concern, so it lives beside the CLI;
/// <c>bench/Hark.Bench</c> compiles this same file (linked in its project).
/// </summary>
internal static class CommandLineErrors
{
    /// <summary>Exit code of a run that failed on its input or usage.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code of any other failure.</summary>
    public const int Failure = 1;

    /// <summary>Prints one line for <paramref name="ex"/>, prefixed with <paramref name="program"/>, and returns its exit code.</summary>
    public static int Report(Exception ex, TextWriter stderr, string program)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(stderr);
        switch (ex)
        {
            case HarkInputException input:
                stderr.WriteLine($"{program}: {TerminalText.Escape(input.Message)}");
                return BadInput;
            case OperationCanceledException:
                stderr.WriteLine($"{program}: cancelled");
                return Failure;
            case HarkException known:
                stderr.WriteLine($"{program}: {TerminalText.Escape(known.Message)}");
                return Failure;
            case AggregateException { InnerExceptions.Count: 1 } aggregate:
                return Report(aggregate.InnerExceptions[0], stderr, program);
            default:
                stderr.WriteLine($"{program}: internal error: {ex.GetType().Name}: {TerminalText.Escape(ex.Message)}");
                if (Environment.GetEnvironmentVariable("HARK_DEBUG") == "1") stderr.WriteLine(ex);
                return Failure;
        }
    }
}

using System.Globalization;

namespace Hark.Cli.Commands;

/// <summary>
/// Bounds of numeric options, checked before any work: values outside them used to overflow buffers
/// (<c>--beam-size 100000</c>), start thousands of threads or end in an internal error.
/// </summary>
internal static class ArgumentRanges
{
    /// <summary>Most beams or samples per window: 64 × a large-v3 vocabulary of logits is 13 MB; 100000 overflowed.</summary>
    public const int MaxCandidates = 64;

    /// <summary>Most worker threads: four per logical core (more only contends; thousands aborted the runtime).</summary>
    public static int MaxThreads => 4 * Environment.ProcessorCount;

    /// <summary><paramref name="value"/> threads, 0 meaning the engine's choice.</summary>
    public static int Threads(int value, string option = "--threads") =>
        value >= 0 && value <= MaxThreads ? value
            : throw new HarkInputException($"must be 0 (automatic) to {MaxThreads} (4 per core), got {value}", field: option);

    /// <summary>A count from 1 to <see cref="MaxCandidates"/> (beams, samples).</summary>
    public static int Candidates(int value, string option) =>
        value >= 1 && value <= MaxCandidates ? value
            : throw new HarkInputException($"must be 1 to {MaxCandidates}, got {value}", field: option);

    /// <summary>Most windows decoded together: 64 windows of large-v3 already hold about 31 GB of cross-attention K/V.</summary>
    public const int MaxBatchSize = 64;

    /// <summary>Windows decoded together, 1 to <see cref="MaxBatchSize"/>.</summary>
    public static int BatchSize(int value, string option = "--batch-size") =>
        value >= 1 && value <= MaxBatchSize ? value
            : throw new HarkInputException($"must be 1 (sequential) to {MaxBatchSize}, got {value}", field: option);

    /// <summary>A finite number (NaN and infinities are refused in one wording for every option).</summary>
    public static double Finite(double value, string option) =>
        double.IsFinite(value) ? value
            : throw new HarkInputException($"must be a finite number, got {Text(value)}", field: option);

    /// <inheritdoc cref="Finite(double, string)"/>
    public static double? Finite(double? value, string option) => value is { } v ? Finite(v, option) : null;

    /// <summary>A finite number above 0.</summary>
    public static double Positive(double value, string option) =>
        Finite(value, option) > 0 ? value : throw new HarkInputException($"must be above 0, got {Text(value)}", field: option);

    /// <summary>openai's clip list: start,end,start,end,… seconds, each start ≥ 0 and each end after its start.</summary>
    public static IReadOnlyList<double> Clips(IReadOnlyList<double> values, string option)
    {
        for (var i = 0; i < values.Count; i++)
        {
            Finite(values[i], option);
            if (values[i] < 0) throw new HarkInputException($"times must be 0 or more, got {Text(values[i])}", field: option);
            if (i % 2 == 1 && values[i] <= values[i - 1])
                throw new HarkInputException($"each end must come after its start, got {Text(values[i - 1])},{Text(values[i])}", field: option);
        }
        return values;
    }

    /// <summary>
    /// Comma-separated finite numbers: "nan", "inf" and "infinity" are named as not finite (double.Parse would read
    /// "nan" and refuse "inf", so the two used to fail differently).
    /// </summary>
    public static IReadOnlyList<double> FiniteList(string value, string option)
    {
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item.TrimStart('+', '-').ToLowerInvariant() is "nan" or "inf" or "infinity" or "\u221e")
                throw new HarkInputException($"must be a finite number, got {item}", field: option);
        }
        var list = CliParsing.Doubles(value, option.TrimStart('-'));
        foreach (var v in list) Finite(v, option);
        return list;
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

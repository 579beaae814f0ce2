using System.Globalization;
using Hark.Decoding;
using Hark.Engines;
using Hark.Tokenization;

namespace Hark.Cli.Commands;

/// <summary>String → typed option conversions at the CLI edge; every failure is a one-line input error naming the option.</summary>
internal static class CliParsing
{
    public static EngineKind Engine(string value) => EngineVocabulary.ParseEngine(value, "--engine");

    public static EngineDevice Device(string value) => EngineVocabulary.ParseDevice(value, "--device");

    public static ComputePrecision Precision(string value) => EngineVocabulary.ParsePrecision(value, "--compute-type");

    public static WhisperTask Task(string value) => value.Trim().ToLowerInvariant() switch
    {
        "transcribe" => WhisperTask.Transcribe,
        "translate" => WhisperTask.Translate,
        _ => throw new HarkInputException($"unknown task '{value}'; expected transcribe or translate", field: "--task"),
    };

    public static string? Language(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Equals("auto", StringComparison.OrdinalIgnoreCase)) return null;
        var index = WhisperLanguages.IndexOf(value);
        if (index < 0) throw new HarkInputException($"unknown language '{value}'; expected a code such as en, no, de (or a name)", field: "--language");
        return WhisperLanguages.Codes[index];
    }

    /// <summary>openai's CLI: one starting temperature stepped by the increment up to 1.0, or an explicit list.</summary>
    public static IReadOnlyList<float> Temperatures(string value, double increment)
    {
        var list = Doubles(value, "temperature");
        if (list.Any(t => t < 0)) throw new HarkInputException("temperatures must be 0 or positive", field: "--temperature");
        if (list.Count > 1) return [.. list.Select(t => (float)t)];
        if (increment < 0) throw new HarkInputException("must be 0 or positive", field: "--temperature-increment-on-fallback");
        if (increment == 0) return [(float)list[0]];
        var schedule = new List<float>();
        for (var k = 0; list[0] + k * increment <= 1.0 + 1e-6; k++) schedule.Add((float)Math.Round(list[0] + k * increment, 6));
        return schedule.Count > 0 ? schedule : [(float)list[0]];
    }

    public static IReadOnlyList<double> Doubles(string value, string option)
    {
        try
        {
            return [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))];
        }
        catch (FormatException)
        {
            throw new HarkInputException($"expected comma-separated numbers, got '{value}'", field: "--" + option);
        }
    }

    public static IReadOnlyList<int> Integers(string value, string option)
    {
        try
        {
            return [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => int.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new HarkInputException($"expected comma-separated token ids, got '{value}'", field: "--" + option);
        }
    }

    public static int Positive(int value, string option) =>
        value >= 1 ? value : throw new HarkInputException($"must be at least 1, got {value}", field: "--" + option);

    public static int NonNegative(int value, string option) =>
        value >= 0 ? value : throw new HarkInputException($"must be 0 or more, got {value}", field: "--" + option);
}

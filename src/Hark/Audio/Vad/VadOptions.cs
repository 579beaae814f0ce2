using System.Globalization;

namespace Hark.Audio.Vad;

/// <summary>
/// How speech is told from silence. Names and defaults are faster-whisper's <c>VadOptions</c>, whose rules are Silero
/// VAD's <c>get_speech_timestamps</c> (<see cref="SpeechTimestamps"/>).
/// </summary>
public sealed record VadOptions
{
    /// <summary>A frame whose speech probability is at least this starts or continues speech (<c>threshold</c>).</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Below this a frame is silence, even inside speech; null = <see cref="Threshold"/> − 0.15, at least 0.01
    /// (<c>neg_threshold</c>).</summary>
    public double? NegThreshold { get; init; }

    /// <summary>Speech chunks this short or shorter are dropped (<c>min_speech_duration_ms</c>).</summary>
    public int MinSpeechDurationMs { get; init; }

    /// <summary>Longer speech is split at its last silence of more than 98 ms, or cut hard when it has none
    /// (<c>max_speech_duration_s</c>).</summary>
    public double MaxSpeechDurationS { get; init; } = double.PositiveInfinity;

    /// <summary>Silence this long ends a speech chunk (<c>min_silence_duration_ms</c>).</summary>
    public int MinSilenceDurationMs { get; init; } = 2000;

    /// <summary>Each chunk is widened by this much on both sides, within the audio and without overlapping its
    /// neighbours (<c>speech_pad_ms</c>).</summary>
    public int SpeechPadMs { get; init; } = 400;

    /// <summary>The silence threshold in effect.</summary>
    public double EffectiveNegThreshold => NegThreshold ?? Math.Max(Threshold - 0.15, 0.01);

    /// <summary>Parameter names accepted by <see cref="Parse"/>, as faster-whisper spells them.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } =
        ["threshold", "neg_threshold", "min_speech_duration_ms", "max_speech_duration_s", "min_silence_duration_ms", "speech_pad_ms"];

    /// <summary>Checks every value's range.</summary>
    /// <exception cref="HarkInputException">A value is out of range (named by its faster-whisper name).</exception>
    public void Validate()
    {
        if (!(Threshold is >= 0 and <= 1)) throw Bad("threshold", "a probability in [0, 1]", Threshold);
        if (NegThreshold is { } neg && !(neg is >= 0 and <= 1)) throw Bad("neg_threshold", "a probability in [0, 1]", neg);
        if (MinSpeechDurationMs < 0) throw Bad("min_speech_duration_ms", "0 or more milliseconds", MinSpeechDurationMs);
        if (!(MaxSpeechDurationS > 0)) throw Bad("max_speech_duration_s", "more than 0 seconds (inf = no limit)", MaxSpeechDurationS);
        if (MinSilenceDurationMs < 0) throw Bad("min_silence_duration_ms", "0 or more milliseconds", MinSilenceDurationMs);
        if (SpeechPadMs < 0) throw Bad("speech_pad_ms", "0 or more milliseconds", SpeechPadMs);
    }

    /// <summary>
    /// Reads <c>key=value,key=value</c> (faster-whisper's names, e.g. <c>min_silence_duration_ms=500,threshold=0.6</c>)
    /// over <paramref name="baseline"/> (the defaults when null). <c>inf</c> is accepted for <c>max_speech_duration_s</c>.
    /// </summary>
    /// <exception cref="HarkInputException">An unknown name, a malformed pair or an out-of-range value.</exception>
    public static VadOptions Parse(string text, VadOptions? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = baseline ?? new VadOptions();
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new HarkInputException($"expected key=value, got '{raw}'", field: "vad_parameters");
            var key = raw[..eq].Trim().Replace('-', '_').ToLowerInvariant();
            var value = raw[(eq + 1)..].Trim();
            options = key switch
            {
                "threshold" => options with { Threshold = Number(key, value) },
                "neg_threshold" => options with { NegThreshold = value is "None" or "none" or "null" ? null : Number(key, value) },
                "min_speech_duration_ms" => options with { MinSpeechDurationMs = Integer(key, value) },
                "max_speech_duration_s" => options with { MaxSpeechDurationS = Number(key, value) },
                "min_silence_duration_ms" => options with { MinSilenceDurationMs = Integer(key, value) },
                "speech_pad_ms" => options with { SpeechPadMs = Integer(key, value) },
                _ => throw new HarkInputException(
                    $"unknown VAD parameter '{raw[..eq].Trim()}'; expected one of {string.Join(", ", ParameterNames)}", field: "vad_parameters"),
            };
        }
        options.Validate();
        return options;
    }

    private static double Number(string key, string value)
    {
        if (value.Equals("inf", StringComparison.OrdinalIgnoreCase) || value.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            return double.PositiveInfinity;
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsNaN(d)
            ? d
            : throw new HarkInputException($"expected a number, got '{value}'", field: key);
    }

    private static int Integer(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i
            : throw new HarkInputException($"expected a whole number of milliseconds, got '{value}'", field: key);

    private static HarkInputException Bad(string field, string expected, double got) =>
        new($"expected {expected}, got {got.ToString(CultureInfo.InvariantCulture)}", field: field);
}

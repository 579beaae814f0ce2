using Hark.Decoding;

namespace Hark.Transcription;

/// <summary>
/// The rules that turn <see cref="TranscriptionOptions"/> into per-temperature decodings, in one place for the library
/// and the CLI: beams (and patience) at temperature 0 only, best-of above it; a beam size of 1 decodes greedily.
/// </summary>
internal static class DecodingRules
{
    /// <summary>Rejects options no decoding can honour, naming the option (library spelling).</summary>
    /// <exception cref="HarkInputException">The first problem found.</exception>
    public static void Validate(TranscriptionOptions options)
    {
        if (options.BeamSize is < 1) throw new HarkInputException($"beam_size must be at least 1, got {options.BeamSize}", field: "beam_size");
        if (options.Patience is not null && EffectiveBeam(options) is null)
            throw new HarkInputException("patience requires a beam_size above 1", field: "patience");
        if (options.BestOf is < 1) throw new HarkInputException($"best_of must be at least 1, got {options.BestOf}", field: "best_of");
        if (options.BatchSize < 1) throw new HarkInputException($"batch_size must be at least 1, got {options.BatchSize}", field: "batch_size");
        if (options.ClipTimestamps.Any(t => t < 0 || double.IsNaN(t)))
            throw new HarkInputException("clip timestamps must be non-negative seconds", field: "clip_timestamps");
        if (options.HallucinationSilenceThreshold is not null && options.BatchSize > 1)
            throw new HarkInputException("hallucination_silence_threshold needs batch_size 1: it re-seeks after a likely hallucination, which independent batched windows do not",
                field: "hallucination_silence_threshold");
        if (options.HallucinationSilenceThreshold is { } h && !(h >= 0))
            throw new HarkInputException($"hallucination_silence_threshold must be 0 or more seconds, got {h}", field: "hallucination_silence_threshold");
        if (options.PrependPunctuations is null || options.AppendPunctuations is null)
            throw new HarkInputException("prepend_punctuations and append_punctuations must be strings (empty merges nothing)", field: "punctuations");
        if (options.Temperatures.Any(t => t < 0 || float.IsNaN(t)))
            throw new HarkInputException("temperatures must be 0 or positive", field: "temperature");
    }

    /// <summary>Beams at temperature 0, or null for greedy (a beam size of 1 is greedy).</summary>
    public static int? EffectiveBeam(TranscriptionOptions options) => options.BeamSize is > 1 ? options.BeamSize : null;

    /// <summary>The temperature schedule; an empty one means temperature 0 only.</summary>
    public static IReadOnlyList<float> Schedule(TranscriptionOptions options) => options.Temperatures.Count > 0 ? options.Temperatures : [0f];

    /// <summary>The decoding at temperature <paramref name="t"/>: beams and patience at 0, best-of above.</summary>
    public static DecodingOptions AtTemperature(DecodingOptions baseOptions, float t, TranscriptionOptions options) => t > 0
        ? baseOptions with { Temperature = t, BeamSize = null, Patience = null, BestOf = options.BestOf }
        : baseOptions with { Temperature = 0, BestOf = null, BeamSize = EffectiveBeam(options), Patience = EffectiveBeam(options) is null ? null : options.Patience };
}

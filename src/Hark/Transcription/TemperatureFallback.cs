using Hark.Decoding;
using Hark.Engines;

namespace Hark.Transcription;

/// <summary>
/// openai-whisper's <c>decode_with_fallback</c>: decode at each temperature in turn until the result is neither
/// too repetitive (compression ratio) nor too improbable (average log-probability), unless it looks like silence.
/// Beam size and patience apply at temperature 0 only, best-of above it.
/// </summary>
public static class TemperatureFallback
{
    /// <summary>Decodes window <paramref name="window"/> of <paramref name="audio"/>.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="audio">Encoded windows.</param>
    /// <param name="window">Which window.</param>
    /// <param name="baseOptions">Options without temperature, beam size or best-of decisions applied.</param>
    /// <param name="options">The thresholds and the schedule.</param>
    /// <param name="cancellationToken">Checked every token.</param>
    public static DecodingResult Decode(IWhisperEngine engine, IDecodingTokenizer tokenizer, IEncodedAudio audio, int window,
        DecodingOptions baseOptions, TranscriptionOptions options, CancellationToken cancellationToken)
    {
        DecodingResult? result = null;
        var temperatures = options.Temperatures.Count > 0 ? options.Temperatures : [0f];
        foreach (var t in temperatures)
        {
            var decoding = t > 0
                ? baseOptions with { Temperature = t, BeamSize = null, Patience = null, BestOf = options.BestOf }
                : baseOptions with { Temperature = 0, BestOf = null, BeamSize = options.BeamSize is > 1 ? options.BeamSize : null,
                    Patience = options.BeamSize is > 1 ? options.Patience : null };
            result = new DecodingTask(engine, tokenizer, decoding).Run(audio, [window], cancellationToken)[0];
            if (!NeedsFallback(result, options)) break;
        }
        return result!;
    }

    /// <summary>Whether <paramref name="result"/> should be retried at the next temperature.</summary>
    public static bool NeedsFallback(DecodingResult result, TranscriptionOptions options)
    {
        var needs = false;
        if (options.CompressionRatioThreshold is { } cr && result.CompressionRatio > cr) needs = true; // too repetitive
        if (options.LogProbThreshold is { } lp && result.AvgLogprob < lp) needs = true; // too improbable
        if (options.NoSpeechThreshold is { } ns && result.NoSpeechProb > ns
            && options.LogProbThreshold is { } lp2 && result.AvgLogprob < lp2)
            needs = false; // silence: no retry will help
        return needs;
    }
}

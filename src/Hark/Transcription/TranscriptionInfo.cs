using Hark.Audio.Vad;

namespace Hark.Transcription;

/// <summary>What is known about a recording before its segments: language, duration and the effective options.</summary>
/// <param name="Language">Language code used for decoding.</param>
/// <param name="LanguageProbability">Probability of <paramref name="Language"/> when detected; 1 when given.</param>
/// <param name="Duration">Audio duration in seconds.</param>
/// <param name="Options">The options in effect.</param>
/// <param name="AllLanguageProbs">The detected distribution over language codes, when it was detected.</param>
public sealed record TranscriptionInfo(
    string Language, double LanguageProbability, double Duration, TranscriptionOptions Options,
    IReadOnlyDictionary<string, double>? AllLanguageProbs = null)
{
    private readonly double? _durationAfterVad;

    /// <summary>Seconds of audio transcribed after the VAD filter (faster-whisper's <c>duration_after_vad</c>);
    /// <see cref="Duration"/> when the filter is off. <c>Duration − DurationAfterVad</c> is what VAD removed.</summary>
    public double DurationAfterVad
    {
        get => _durationAfterVad ?? Duration;
        init => _durationAfterVad = value;
    }

    /// <summary>The speech the VAD filter kept, in samples of the original audio; null when the filter was off.</summary>
    public IReadOnlyList<SpeechChunk>? SpeechChunks { get; init; }
}

/// <summary>Progress of a transcription.</summary>
/// <param name="Seconds">Audio seconds done.</param>
/// <param name="Duration">Audio seconds in total.</param>
public readonly record struct TranscriptionProgress(double Seconds, double Duration);

using Hark.Audio;
using Hark.Audio.Vad;

namespace Hark.Transcription;

/// <summary>
/// faster-whisper's <c>vad_filter</c>: keep the speech Silero VAD finds, join it into one recording to transcribe, and
/// map the segments' times back to the original timeline afterwards. The sequential path transcribes the joined speech
/// as one recording (faster-whisper's <c>WhisperModel</c>); the batched path decodes it in windows of consecutive chunks
/// holding at most 30 s of speech (its <c>BatchedInferencePipeline</c>, <see cref="SpeechWindows"/>).
/// </summary>
internal sealed record SpeechFilter(float[] Audio, IReadOnlyList<SpeechChunk> Chunks, double OriginalDuration, VadOptions Parameters)
{
    /// <summary>Seconds kept.</summary>
    public double SpeechDuration => (double)Audio.Length / AudioConstants.SampleRate;

    /// <summary>Whether the filter runs: asked for, and no clip timestamps (which take precedence, as in faster-whisper).</summary>
    public static bool Applies(TranscriptionOptions options) => options.VadFilter && options.ClipTimestamps.Count == 0;

    /// <summary>
    /// The VAD parameters in effect. Given ones are used as they are, except that the batched path caps
    /// <c>max_speech_duration_s</c> at 30 s (a chunk must fit a window). Without given ones, faster-whisper's defaults
    /// of each path: <see cref="VadOptions"/>'s for the sequential path; for the batched path, speech capped at 30 s and
    /// 160 ms of silence enough to end a chunk (as its <c>BatchedInferencePipeline</c> does).
    /// </summary>
    public static VadOptions ParametersFor(TranscriptionOptions options)
    {
        const double maxSpeech = AudioConstants.ChunkLength;
        if (options.BatchSize <= 1) return options.VadParameters ?? new VadOptions();
        return options.VadParameters is { } given
            ? given with { MaxSpeechDurationS = Math.Min(given.MaxSpeechDurationS, maxSpeech) }
            : new VadOptions { MaxSpeechDurationS = maxSpeech, MinSilenceDurationMs = 160 };
    }

    /// <summary>Finds the speech of <paramref name="audio"/> with the parameters <paramref name="options"/> call for, and joins it.</summary>
    public static SpeechFilter Apply(ReadOnlySpan<float> audio, TranscriptionOptions options, CancellationToken cancellationToken)
    {
        var parameters = ParametersFor(options);
        var chunks = SileroVadModel.Shared.GetSpeechTimestamps(audio, parameters, cancellationToken);
        return new SpeechFilter(SpeechTimestampsMap.Collect(audio, chunks), chunks, (double)audio.Length / AudioConstants.SampleRate, parameters);
    }

    /// <summary>The clips of the joined speech that the batched path decodes, one window each (frames of the joined
    /// speech's features); null on the sequential path, which walks the joined speech as one recording.</summary>
    public IReadOnlyList<(int Start, int End)>? WindowsFor(TranscriptionOptions options, MelFeatures mel) =>
        options.BatchSize > 1 ? SpeechWindows.Merge(Chunks, mel.ContentFrames) : null;

    /// <summary>What is known before decoding, with the original duration, what VAD kept and the parameters in effect.</summary>
    public TranscriptionInfo Describe(TranscriptionInfo info) => info with
    {
        Duration = OriginalDuration, DurationAfterVad = SpeechDuration, SpeechChunks = Chunks,
        Options = info.Options with { VadParameters = Parameters },
    };

    /// <summary>Moves a segment of the joined speech to the original timeline (nothing to move without speech).</summary>
    public static Func<Segment, Segment> Remapper(IReadOnlyList<SpeechChunk>? chunks)
    {
        if (chunks is not { Count: > 0 }) return s => s;
        var map = new SpeechTimestampsMap(chunks);
        return s => s.Words is { Count: > 0 } words ? WithWords(s, words, map)
            : s with { Start = map.GetOriginalTime(s.Start), End = map.GetOriginalTime(s.End, isEnd: true) };
    }

    // faster-whisper: both ends of a word move with the chunk that holds its middle; the segment spans its words.
    private static Segment WithWords(Segment s, IReadOnlyList<WordTiming> words, SpeechTimestampsMap map)
    {
        var moved = words.Select(w =>
        {
            var chunk = map.GetChunkIndex((w.Start + w.End) / 2);
            return w with { Start = map.GetOriginalTime(w.Start, chunk), End = map.GetOriginalTime(w.End, chunk) };
        }).ToList();
        return s with { Start = moved[0].Start, End = moved[^1].End, Words = moved };
    }
}

using Hark.Audio;
using Hark.Audio.Vad;

namespace Hark.Transcription;

/// <summary>
/// faster-whisper's <c>vad_filter</c> on the sequential path: keep the speech Silero VAD finds, join it into one
/// recording to transcribe, and map the segments' times back to the original timeline afterwards.
/// </summary>
internal sealed record SpeechFilter(float[] Audio, IReadOnlyList<SpeechChunk> Chunks, double OriginalDuration)
{
    /// <summary>Seconds kept.</summary>
    public double SpeechDuration => (double)Audio.Length / AudioConstants.SampleRate;

    /// <summary>Whether the filter runs: asked for, and no clip timestamps (which take precedence, as in faster-whisper).</summary>
    public static bool Applies(TranscriptionOptions options) => options.VadFilter && options.ClipTimestamps.Count == 0;

    /// <summary>Finds the speech of <paramref name="audio"/> and joins it.</summary>
    public static SpeechFilter Apply(ReadOnlySpan<float> audio, VadOptions options, CancellationToken cancellationToken)
    {
        var chunks = SileroVadModel.Shared.GetSpeechTimestamps(audio, options, cancellationToken);
        return new SpeechFilter(SpeechTimestampsMap.Collect(audio, chunks), chunks, (double)audio.Length / AudioConstants.SampleRate);
    }

    /// <summary>What is known before decoding, with the original duration and what VAD kept.</summary>
    public TranscriptionInfo Describe(TranscriptionInfo info) =>
        info with { Duration = OriginalDuration, DurationAfterVad = SpeechDuration, SpeechChunks = Chunks };

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

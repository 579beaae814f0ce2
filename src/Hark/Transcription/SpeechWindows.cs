using Hark.Audio;
using Hark.Audio.Vad;

namespace Hark.Transcription;

/// <summary>
/// faster-whisper's <c>collect_chunks(max_duration=chunk_length)</c> for the batched path: consecutive speech chunks
/// are joined into one window while the speech they hold together stays within 30 seconds; the next chunk starts a new
/// window. The silence between chunks is already gone (the speech is transcribed joined), so a window is a stretch of
/// the joined speech and its segment times map back to the original timeline like the sequential path's.
/// </summary>
internal static class SpeechWindows
{
    /// <summary>Most speech per window: one encoder window.</summary>
    public const long MaxSamples = AudioConstants.SamplesPerChunk;

    /// <summary>
    /// The windows of <paramref name="chunks"/> as (start, end) mel frames of the joined speech, clamped to
    /// <paramref name="contentFrames"/>; the last window ends at <paramref name="contentFrames"/>. A chunk longer than
    /// 30 s (only with hand-built chunks: the batched VAD parameters cap speech at 30 s) stays one clip, which the
    /// batched strategy cuts into consecutive 30 s windows rather than dropping its tail as faster-whisper does.
    /// </summary>
    public static List<(int Start, int End)> Merge(IReadOnlyList<SpeechChunk> chunks, int contentFrames)
    {
        var clips = new List<(int Start, int End)>();
        long windowStart = 0, windowLength = 0;
        foreach (var chunk in chunks)
        {
            if (windowLength > 0 && windowLength + chunk.Length > MaxSamples)
            {
                Add(clips, windowStart, windowStart + windowLength, contentFrames);
                windowStart += windowLength;
                windowLength = 0;
            }
            windowLength += chunk.Length;
        }
        if (windowLength > 0) Add(clips, windowStart, contentFrames * (long)AudioConstants.HopLength, contentFrames);
        return clips;
    }

    private static void Add(List<(int Start, int End)> clips, long startSample, long endSample, int contentFrames)
    {
        var start = (int)Math.Min(contentFrames, startSample / AudioConstants.HopLength);
        var end = (int)Math.Min(contentFrames, endSample / AudioConstants.HopLength);
        if (end > start) clips.Add((start, end));
    }
}

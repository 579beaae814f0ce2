using Hark.Audio;

namespace Hark.Transcription.Timing;

/// <summary>
/// What openai-whisper's <c>transcribe()</c> does with a window's words: the next window starts at the last word's end
/// (unless the window ended on a single timestamp), and with <c>hallucination_silence_threshold</c>, a segment of
/// anomalous words (improbable, very short or very long) surrounded by silence is dropped with what follows it, and the
/// next window starts there; an anomalous first segment after a long gap restarts the window at that segment.
/// </summary>
internal static class WordSeeking
{
    // openai's `punctuation` in transcribe(): words made only of these are left out of the anomaly score.
    private const string Punctuation = "\"'“¿([{-\"'.。,，!！?？:：”)]}、";

    /// <summary>The outcome for one window.</summary>
    /// <param name="Segments">The segments kept.</param>
    /// <param name="Seek">Where the next window starts (frames).</param>
    /// <param name="Retry">The window is dropped whole and decoded again from <paramref name="Seek"/>.</param>
    public readonly record struct Outcome(List<Segment> Segments, int Seek, bool Retry);

    /// <summary>openai's <c>get_end</c>: the last word's end, else the last segment's end, else null.</summary>
    public static double? End(IReadOnlyList<Segment> segments)
    {
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            if (segments[i].Words is { Count: > 0 } words) return words[^1].End;
        }
        return segments.Count > 0 ? segments[^1].End : null;
    }

    /// <summary>Applies the word-based seeking to a window's segments (words already added).</summary>
    /// <param name="segments">The window's segments with words.</param>
    /// <param name="window">The window.</param>
    /// <param name="seek">The next seek from the timestamps (<see cref="SegmentSplitter"/>).</param>
    /// <param name="singleTimestampEnding">The window's tokens ended on a single timestamp.</param>
    /// <param name="threshold"><see cref="TranscriptionOptions.HallucinationSilenceThreshold"/>.</param>
    /// <param name="lastSpeechTimestamp">End of the last speech before this window.</param>
    /// <param name="contentFrames">Frames of audio in the recording.</param>
    public static Outcome Apply(List<Segment> segments, AudioWindow window, int seek, bool singleTimestampEnding, double? threshold,
        double lastSpeechTimestamp, int contentFrames)
    {
        var timeOffset = Seconds(window.Start);
        if (!singleTimestampEnding && End(segments) is { } lastWordEnd && lastWordEnd > timeOffset) seek = Frames(lastWordEnd);
        if (threshold is not { } limit) return new Outcome(segments, seek, false);

        var windowEndTime = Seconds(window.Start + AudioConstants.FramesPerChunk);
        var segmentDuration = Seconds(window.Frames);
        if (!singleTimestampEnding && End(segments) is { } end && end > timeOffset)
            seek = windowEndTime - end > limit ? Frames(end) : window.Start + window.Frames;

        // A first segment that may be a hallucination: skip the silence before it and decode again from there.
        var firstSegment = NextWithWords(segments, 0);
        if (firstSegment is not null && IsAnomaly(firstSegment))
        {
            var gap = firstSegment.Start - timeOffset;
            if (gap > limit) return new Outcome(segments, window.Start + Frames(gap), true);
        }

        // Drop a possible hallucination surrounded by silence or more hallucinations, and everything after it.
        var lastEnd = lastSpeechTimestamp;
        for (var si = 0; si < segments.Count; si++)
        {
            var segment = segments[si];
            if (segment.Words is not { Count: > 0 }) continue;
            if (IsAnomaly(segment))
            {
                var next = NextWithWords(segments, si + 1);
                var nextStart = next is not null ? next.Words![0].Start : timeOffset + segmentDuration;
                var silenceBefore = segment.Start - lastEnd > limit || segment.Start < limit || segment.Start - timeOffset < 2.0;
                var silenceAfter = nextStart - segment.End > limit || IsAnomaly(next) || windowEndTime - segment.End < 2.0;
                if (silenceBefore && silenceAfter)
                {
                    seek = Frames(Math.Max(timeOffset + 1, segment.Start));
                    if (Seconds(contentFrames) - segment.End < limit) seek = contentFrames;
                    segments.RemoveRange(si, segments.Count - si);
                    break;
                }
            }
            lastEnd = segment.End;
        }
        return new Outcome(segments, seek, false);
    }

    private static Segment? NextWithWords(List<Segment> segments, int from)
    {
        for (var i = from; i < segments.Count; i++)
        {
            if (segments[i].Words is { Count: > 0 }) return segments[i];
        }
        return null;
    }

    // Anomalous words are very long, very short or improbable; a segment is anomalous when its first eight words are.
    private static bool IsAnomaly(Segment? segment)
    {
        if (segment?.Words is not { Count: > 0 } all) return false;
        var words = all.Where(w => !Punctuation.Contains(w.Word, StringComparison.Ordinal)).Take(8).ToList();
        var score = words.Sum(WordScore);
        return score >= 3 || score + 0.01 >= words.Count;
    }

    private static double WordScore(WordTiming word)
    {
        var duration = word.End - word.Start;
        var score = 0.0;
        if (word.Probability < 0.15) score += 1.0;
        if (duration < 0.133) score += (0.133 - duration) * 15;
        if (duration > 2.0) score += duration - 2.0;
        return score;
    }

    private static double Seconds(int frames) => (double)frames * AudioConstants.HopLength / AudioConstants.SampleRate;

    private static int Frames(double seconds) => (int)Math.Round(seconds * AudioConstants.FramesPerSecond, MidpointRounding.ToEven);
}

using Hark.Audio;

namespace Hark.Transcription.Timing;

/// <summary>
/// openai-whisper's <c>add_word_timestamps</c> for one window: long words at sentence ends clipped to twice the median
/// word duration, punctuation merged, words handed out to the window's segments by their tokens, long first words after
/// a pause clipped, and each segment's start and end moved to its words (unless a first or last word is implausibly
/// long, when the segment's own timestamp wins).
/// </summary>
internal static class WordTimestamps
{
    private const string SentenceEndMarks = ".。!！?？";

    /// <summary>The segments with their words and their start and end moved to them.</summary>
    /// <param name="segments">The window's segments (all from the same seek).</param>
    /// <param name="alignment">Words of the window's text tokens (<see cref="WordAligner"/>), times from the window start;
    /// adjusted and merged in place.</param>
    /// <param name="endOfText">Tokens at or above this are not text.</param>
    /// <param name="prepended">Marks merged with the next word.</param>
    /// <param name="appended">Marks merged with the previous word.</param>
    /// <param name="lastSpeechTimestamp">End of the speech before this window, in seconds.</param>
    public static List<Segment> Add(IReadOnlyList<Segment> segments, List<AlignedWord> alignment,
        int endOfText, string prepended, string appended, double lastSpeechTimestamp)
    {
        if (segments.Count == 0) return [];
        var durations = alignment.Select(w => w.End - w.Start).Where(d => d != 0).ToList();
        var medianDuration = Math.Min(0.7, durations.Count > 0 ? Median(durations) : 0.0);
        var maxDuration = medianDuration * 2;

        // Truncate long words at sentence boundaries (openai's stop-gap until a VAD-based segmentation).
        if (durations.Count > 0)
        {
            for (var i = 1; i < alignment.Count; i++)
            {
                var word = alignment[i];
                if (word.End - word.Start <= maxDuration) continue;
                if (SentenceEndMarks.Contains(word.Word, StringComparison.Ordinal)) word.End = word.Start + maxDuration;
                else if (SentenceEndMarks.Contains(alignment[i - 1].Word, StringComparison.Ordinal)) word.Start = word.End - maxDuration;
            }
        }

        PunctuationMerger.Merge(alignment, prepended, appended);

        var timeOffset = (double)segments[0].Seek * AudioConstants.HopLength / AudioConstants.SampleRate;
        var wordIndex = 0;
        var result = new List<Segment>(segments.Count);
        foreach (var segment in segments)
        {
            var textTokens = segment.Tokens.Count(t => t < endOfText);
            var savedTokens = 0;
            var words = new List<MutableWord>();
            while (wordIndex < alignment.Count && savedTokens < textTokens)
            {
                var timing = alignment[wordIndex];
                if (timing.Word.Length > 0)
                    words.Add(new MutableWord(timing.Word, Round2(timeOffset + timing.Start), Round2(timeOffset + timing.End), timing.Probability));
                savedTokens += timing.Tokens.Count;
                wordIndex++;
            }

            double start = segment.Start, end = segment.End;
            if (words.Count > 0)
            {
                // Clip the first and second word after a pause to twice the median word duration.
                var first = words[0];
                if (first.End - lastSpeechTimestamp > medianDuration * 4
                    && (first.End - first.Start > maxDuration || (words.Count > 1 && words[1].End - first.Start > maxDuration * 2)))
                {
                    if (words.Count > 1 && words[1].End - words[1].Start > maxDuration)
                    {
                        var boundary = Math.Max(words[1].End / 2, words[1].End - maxDuration);
                        first.End = words[1].Start = boundary;
                    }
                    first.Start = Math.Max(0, first.End - maxDuration);
                }

                // Prefer the segment's start when the first word is too long, and its end when the last one is.
                if (start < first.End && start - 0.5 > first.Start) first.Start = Math.Max(0, Math.Min(first.End - medianDuration, start));
                else start = first.Start;
                var last = words[^1];
                if (end > last.Start && end + 0.5 < last.End) last.End = Math.Max(last.Start + medianDuration, end);
                else end = last.End;
                lastSpeechTimestamp = end;
            }
            result.Add(segment with { Start = start, End = end, Words = [.. words.Select(w => new WordTiming(w.Word, w.Start, w.End, w.Probability))] });
        }
        return result;
    }

    /// <summary>Python's <c>round(x, 2)</c> (half to even).</summary>
    public static double Round2(double x) => Math.Round(x, 2, MidpointRounding.ToEven);

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private sealed class MutableWord(string word, double start, double end, double probability)
    {
        public string Word { get; } = word;
        public double Start { get; set; } = start;
        public double End { get; set; } = end;
        public double Probability { get; } = probability;
    }
}

using Hark.Audio;
using Hark.Decoding;

namespace Hark.Transcription;

/// <summary>
/// Cuts one window's tokens into segments at consecutive timestamps (openai's logic) and says where the next window
/// starts: after the last complete pair, or the whole window when it ends on a single timestamp or has no pair at all.
/// </summary>
internal sealed class SegmentSplitter(IDecodingTokenizer tokenizer)
{
    private const int InputStride = 2; // mel frames per encoder position / timestamp step

    /// <summary>Segments of <paramref name="result"/>, decoded from <paramref name="window"/>, and the next seek.</summary>
    /// <param name="result">The window's decoding.</param>
    /// <param name="window">Where the window lies in the recording.</param>
    /// <param name="keepUnfinished">Keep the text after the last complete pair as a segment that ends with the window
    /// (a window that is never re-decoded from there, as in the batched strategy).</param>
    public (List<Segment> Segments, int NextSeek) Split(DecodingResult result, AudioWindow window, bool keepUnfinished = false)
    {
        var timestampBegin = tokenizer.Special.TimestampBegin;
        int seek = window.Start, segmentSize = window.Frames;
        var timeOffset = (double)seek * AudioConstants.HopLength / AudioConstants.SampleRate;
        var tokens = result.Tokens;
        var segments = new List<Segment>();
        // Timestamps past the audio in a short last window (or past a clip's end) are clamped to it, so segments
        // always lie inside what was transcribed; seeking is unaffected.
        // (Computed from frames, like the duration, so the last segment ends exactly at the end of the audio.)
        var windowEnd = (double)(seek + segmentSize) * AudioConstants.HopLength / AudioConstants.SampleRate;
        var isTimestamp = tokens.Select(t => t >= timestampBegin).ToArray();
        var singleTimestampEnding = tokens.Length >= 2 && !isTimestamp[^2] && isTimestamp[^1];
        var consecutive = new List<int>();
        for (var i = 1; i < tokens.Length; i++)
        {
            if (isTimestamp[i - 1] && isTimestamp[i]) consecutive.Add(i);
        }

        if (consecutive.Count > 0)
        {
            var slices = new List<int>(consecutive);
            if (singleTimestampEnding) slices.Add(tokens.Length);
            var lastSlice = 0;
            foreach (var currentSlice in slices)
            {
                var sliced = tokens[lastSlice..currentSlice];
                var startPos = sliced[0] - timestampBegin;
                var endPos = sliced[^1] - timestampBegin;
                segments.Add(NewSegment(seek, Math.Min(windowEnd, timeOffset + startPos * AudioConstants.TimePrecision),
                    Math.Min(windowEnd, timeOffset + endPos * AudioConstants.TimePrecision), sliced, result));
                lastSlice = currentSlice;
            }
            if (singleTimestampEnding) return (segments, seek + segmentSize); // no speech after the last timestamp
            // Ignore the unfinished segment and start the next window at the last timestamp.
            var lastTimestampPos = tokens[lastSlice - 1] - timestampBegin;
            if (keepUnfinished && lastSlice < tokens.Length)
            {
                segments.Add(NewSegment(seek, Math.Min(windowEnd, timeOffset + lastTimestampPos * AudioConstants.TimePrecision), windowEnd,
                    tokens[lastSlice..], result));
                return (segments, seek + segmentSize);
            }
            return (segments, seek + lastTimestampPos * InputStride);
        }

        var duration = (double)segmentSize * AudioConstants.HopLength / AudioConstants.SampleRate;
        var lastTimestamp = -1;
        for (var i = tokens.Length - 1; i >= 0; i--)
        {
            if (isTimestamp[i])
            {
                lastTimestamp = tokens[i];
                break;
            }
        }
        // No pair, but a timestamp other than <|0.00|>: it marks the end of the speech.
        if (lastTimestamp >= 0 && lastTimestamp != timestampBegin)
            duration = (lastTimestamp - timestampBegin) * AudioConstants.TimePrecision;
        segments.Add(NewSegment(seek, timeOffset, Math.Min(windowEnd, timeOffset + duration), tokens, result));
        return (segments, seek + segmentSize);
    }

    /// <summary>Whether <paramref name="tokens"/> end on a single timestamp (no speech after it).</summary>
    public bool EndsOnSingleTimestamp(IReadOnlyList<int> tokens) =>
        tokens.Count >= 2 && !tokenizer.Special.IsTimestamp(tokens[^2]) && tokenizer.Special.IsTimestamp(tokens[^1]);

    private Segment NewSegment(int seek, double start, double end, int[] tokens, DecodingResult result)
    {
        var eot = tokenizer.Special.EndOfText;
        var text = tokenizer.Decode([.. tokens.Where(t => t < eot)]);
        return new Segment(0, seek, start, end, text, tokens, result.Temperature, result.AvgLogprob, result.CompressionRatio, result.NoSpeechProb);
    }
}

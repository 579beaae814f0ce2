using System.Diagnostics;
using Hark.Engines;

namespace Hark.Transcription.Timing;

/// <summary>Word timestamps for the segments of one decoded window: the window's text tokens aligned on its encoding
/// (<see cref="WordAligner"/>), then handed out to its segments (<see cref="WordTimestamps"/>).</summary>
internal sealed class WindowWordTimer(WordAligner aligner, IReadOnlyList<int> sotSequence, string? language, int endOfText,
    string prepended, string appended)
{
    /// <summary>The segments of <paramref name="window"/> (entry <paramref name="windowIndex"/> of <paramref name="decoder"/>)
    /// with their words.</summary>
    public List<Segment> Add(IReadOnlyList<Segment> segments, IDecoderSessionFactory decoder, int windowIndex, AudioWindow window,
        double lastSpeechTimestamp, CancellationToken cancellationToken)
    {
        if (segments.Count == 0) return [];
        var start = Stopwatch.GetTimestamp();
        var text = segments.SelectMany(s => s.Tokens.Where(t => t < endOfText)).ToList();
        var alignment = aligner.Align(decoder, windowIndex, sotSequence, text, window.Frames, language, cancellationToken);
        var timed = WordTimestamps.Add(segments, alignment, endOfText, prepended, appended, lastSpeechTimestamp);
        TranscriptionMetrics.WordAlignment.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
        return timed;
    }
}

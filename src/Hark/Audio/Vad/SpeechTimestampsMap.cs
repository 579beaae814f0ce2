namespace Hark.Audio.Vad;

/// <summary>
/// Maps times in the concatenated speech audio (what is transcribed after VAD) back to the original recording
/// (faster-whisper's <c>SpeechTimestampsMap</c>): a time falls in the chunk whose concatenated end follows it, and
/// moves by the silence removed before that chunk.
/// </summary>
public sealed class SpeechTimestampsMap
{
    private readonly long[] _chunkEndSample;
    private readonly double[] _silenceBefore;
    private readonly int _timePrecision;

    /// <summary>Builds the map of <paramref name="chunks"/> (ordered, non-overlapping), times rounded to
    /// <paramref name="timePrecision"/> decimals.</summary>
    /// <exception cref="ArgumentException">No chunks, or chunks out of order.</exception>
    public SpeechTimestampsMap(IReadOnlyList<SpeechChunk> chunks, int timePrecision = 2)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0) throw new ArgumentException("at least one speech chunk is needed", nameof(chunks));
        _timePrecision = timePrecision;
        _chunkEndSample = new long[chunks.Count];
        _silenceBefore = new double[chunks.Count];
        long previousEnd = 0, silent = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i];
            if (c.Start < previousEnd || c.End < c.Start)
                throw new ArgumentException($"chunk {i} ({c.Start}..{c.End}) overlaps or precedes the one before", nameof(chunks));
            silent += c.Start - previousEnd;
            previousEnd = c.End;
            _chunkEndSample[i] = c.End - silent;
            _silenceBefore[i] = (double)silent / AudioConstants.SampleRate;
        }
    }

    /// <summary>Samples of speech kept (the length of the concatenated audio).</summary>
    public long SpeechSamples => _chunkEndSample[^1];

    /// <summary>The original time of <paramref name="time"/> seconds of the concatenated audio. An end time that falls
    /// exactly on a chunk's end stays in that chunk rather than jumping to the next one's start.</summary>
    public double GetOriginalTime(double time, bool isEnd = false) => GetOriginalTime(time, GetChunkIndex(time, isEnd));

    /// <summary>The original time of <paramref name="time"/> seconds, counted as belonging to chunk
    /// <paramref name="chunkIndex"/>.</summary>
    public double GetOriginalTime(double time, int chunkIndex) =>
        Math.Round(_silenceBefore[chunkIndex] + time, _timePrecision, MidpointRounding.ToEven);

    /// <summary>The chunk that <paramref name="time"/> seconds of the concatenated audio falls in.</summary>
    public int GetChunkIndex(double time, bool isEnd = false)
    {
        var sample = (long)(time * AudioConstants.SampleRate);
        if (isEnd)
        {
            var exact = Array.IndexOf(_chunkEndSample, sample);
            if (exact >= 0) return exact;
        }
        // First chunk whose end is past the sample (bisect_right), the last one for times past the end.
        int lo = 0, hi = _chunkEndSample.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_chunkEndSample[mid] <= sample) lo = mid + 1;
            else hi = mid;
        }
        return Math.Min(lo, _chunkEndSample.Length - 1);
    }

    /// <summary>The samples of <paramref name="chunks"/> one after the other.</summary>
    public static float[] Collect(ReadOnlySpan<float> audio, IReadOnlyList<SpeechChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var total = 0L;
        foreach (var c in chunks)
        {
            if (c.Start < 0 || c.End > audio.Length || c.End < c.Start)
                throw new ArgumentException($"chunk {c.Start}..{c.End} lies outside the {audio.Length} samples", nameof(chunks));
            total += c.Length;
        }
        var result = new float[total];
        var at = 0;
        foreach (var c in chunks)
        {
            audio[(int)c.Start..(int)c.End].CopyTo(result.AsSpan(at));
            at += (int)c.Length;
        }
        return result;
    }
}

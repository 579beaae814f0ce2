namespace Hark.Audio;

/// <summary>Whisper log-mel features: a row-major <c>[NMels, Frames]</c> matrix, 100 frames per second.</summary>
public sealed class MelSpectrogram
{
    /// <summary>Wraps <paramref name="data"/> (row-major <c>[nMels, frames]</c>; not copied).</summary>
    public MelSpectrogram(int nMels, int frames, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(nMels, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        if (data.Length != (long)nMels * frames)
            throw new ArgumentException($"data holds {data.Length} values, expected {nMels}×{frames}", nameof(data));
        NMels = nMels;
        Frames = frames;
        Data = data;
    }

    /// <summary>Mel bins (rows).</summary>
    public int NMels { get; }

    /// <summary>Frames (columns), 10 ms each.</summary>
    public int Frames { get; }

    /// <summary>The values, row-major <c>[NMels, Frames]</c>.</summary>
    public float[] Data { get; }

    /// <summary>
    /// Copies the 30 s window of frames <c>[startFrame, startFrame + 3000)</c> into <paramref name="destination"/>
    /// (<c>[NMels, 3000]</c> row-major). Frames past the end are zeros, like openai's <c>pad_or_trim</c> on a mel segment.
    /// </summary>
    public void CopyWindow(int startFrame, Span<float> destination)
    {
        const int window = AudioConstants.FramesPerChunk;
        ArgumentOutOfRangeException.ThrowIfNegative(startFrame);
        if (destination.Length < NMels * window)
            throw new ArgumentException($"destination holds {destination.Length} values, needs {NMels}×{window}", nameof(destination));
        var take = Math.Clamp(Frames - startFrame, 0, window);
        for (var m = 0; m < NMels; m++)
        {
            var row = destination.Slice(m * window, window);
            if (take > 0) Data.AsSpan(m * Frames + startFrame, take).CopyTo(row);
            row[take..].Clear();
        }
    }
}

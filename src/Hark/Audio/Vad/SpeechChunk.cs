namespace Hark.Audio.Vad;

/// <summary>A stretch of speech in 16 kHz samples, <see cref="Start"/> inclusive, <see cref="End"/> exclusive.</summary>
/// <param name="Start">First sample.</param>
/// <param name="End">One past the last sample.</param>
public readonly record struct SpeechChunk(long Start, long End)
{
    /// <summary>Length in samples.</summary>
    public long Length => End - Start;

    /// <summary>Start in seconds.</summary>
    public double StartSeconds => (double)Start / AudioConstants.SampleRate;

    /// <summary>End in seconds.</summary>
    public double EndSeconds => (double)End / AudioConstants.SampleRate;
}

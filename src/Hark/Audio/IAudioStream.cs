namespace Hark.Audio;

/// <summary>
/// Decoded audio delivered in chunks as 16 kHz mono float32 in [-1, 1], so that a long recording is never held
/// in memory whole. Not thread-safe.
/// </summary>
public interface IAudioStream : IDisposable
{
    /// <summary>Where the audio comes from (a path, or <c>-</c> for standard input), for messages.</summary>
    string Source { get; }

    /// <summary>
    /// Number of 16 kHz samples, when a header checked against the file's size says so up front; null when unknown
    /// (ffmpeg, pipes, where a header cannot be checked and may lie).
    /// </summary>
    long? LengthHint { get; }

    /// <summary>
    /// Fills the start of <paramref name="destination"/> with the next samples and returns how many were written;
    /// 0 only at the end of the audio. May return fewer than requested before the end.
    /// </summary>
    /// <exception cref="AudioFormatException">The input turned out to be malformed (e.g. ended before its header said).</exception>
    int Read(Span<float> destination);
}

namespace Hark.Audio;

/// <summary>
/// An audio input cannot be decoded: not a recognised container, an unsupported encoding, a header that
/// contradicts the file (truncated data, impossible sizes) or a decoder (ffmpeg) that rejected it.
/// </summary>
public sealed class AudioFormatException : HarkInputException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What is wrong and what was expected.</param>
    /// <param name="path">The audio file (or <c>-</c> for standard input).</param>
    /// <param name="field">The header field or chunk at fault, when there is one.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public AudioFormatException(string message, string? path = null, string? field = null, Exception? inner = null)
        : base(message, path, field, inner)
    {
    }
}

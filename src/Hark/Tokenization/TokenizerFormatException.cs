namespace Hark.Tokenization;

/// <summary>A tokenizer file is missing, malformed or disagrees with Whisper's special-token layout.</summary>
public sealed class TokenizerFormatException : HarkInputException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What is wrong and what was expected.</param>
    /// <param name="path">The offending file or folder.</param>
    /// <param name="field">The offending entry or token, when there is one.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public TokenizerFormatException(string message, string? path = null, string? field = null, Exception? inner = null)
        : base(message, path, field, inner) { }
}

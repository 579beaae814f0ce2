namespace Hark.Decoding;

/// <summary>The decoded text of one window (openai <c>DecodingResult</c>).</summary>
public sealed record DecodingResult
{
    /// <summary>Language code decoded with.</summary>
    public required string Language { get; init; }

    /// <summary>Sampled tokens (timestamps included, prompt and end-of-text excluded).</summary>
    public required int[] Tokens { get; init; }

    /// <summary>Text of <see cref="Tokens"/>, trimmed.</summary>
    public required string Text { get; init; }

    /// <summary>Sum of log-probabilities divided by (tokens + 1).</summary>
    public required double AvgLogprob { get; init; }

    /// <summary>Probability of <c>&lt;|nospeech|&gt;</c> at the SOT position.</summary>
    public required double NoSpeechProb { get; init; }

    /// <summary>Temperature the window was decoded at.</summary>
    public required float Temperature { get; init; }

    /// <summary>zlib compression ratio of <see cref="Text"/>.</summary>
    public required double CompressionRatio { get; init; }
}

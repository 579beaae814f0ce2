using Hark.Tokenization;

namespace Hark.Decoding;

/// <summary>
/// What decoding needs from a tokenizer: the special-token table, text ↔ token conversion and the token sets
/// openai-whisper suppresses. Decoding depends on this seam rather than on one tokenizer implementation.
/// </summary>
public interface IDecodingTokenizer
{
    /// <summary>Special token ids of the model's vocabulary.</summary>
    SpecialTokens Special { get; }

    /// <summary>Encodes text to BPE tokens (no special tokens added).</summary>
    int[] Encode(string text);

    /// <summary>Decodes text tokens; special and timestamp tokens are dropped.</summary>
    string Decode(ReadOnlySpan<int> tokens);

    /// <summary>Tokens of symbols that are never speech (openai's <c>non_speech_tokens</c>, used by <c>suppress_tokens = -1</c>).</summary>
    IReadOnlyList<int> NonSpeechTokens { get; }
}

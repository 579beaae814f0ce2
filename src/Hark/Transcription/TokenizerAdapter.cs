using Hark.Decoding;
using Hark.Tokenization;

namespace Hark.Transcription;

/// <summary>Presents a <see cref="WhisperTokenizer"/> to decoding.</summary>
internal sealed class TokenizerAdapter(WhisperTokenizer tokenizer) : IDecodingTokenizer
{
    public SpecialTokens Special => tokenizer.Special;

    public IReadOnlyList<int> NonSpeechTokens => tokenizer.NonSpeechTokens;

    public int[] Encode(string text) => tokenizer.Encode(text);

    public string Decode(ReadOnlySpan<int> tokens) => tokenizer.Decode(tokens);
}

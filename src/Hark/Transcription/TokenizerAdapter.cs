using Hark.Decoding;
using Hark.Tokenization;
using Hark.Transcription.Timing;

namespace Hark.Transcription;

/// <summary>Presents a <see cref="WhisperTokenizer"/> to decoding.</summary>
internal sealed class TokenizerAdapter(WhisperTokenizer tokenizer) : IDecodingTokenizer, IWordSplitter
{
    public SpecialTokens Special => tokenizer.Special;

    public IReadOnlyList<int> NonSpeechTokens => tokenizer.NonSpeechTokens;

    public int[] Encode(string text) => tokenizer.Encode(text);

    public string Decode(ReadOnlySpan<int> tokens) => tokenizer.Decode(tokens);

    public (List<string> Words, List<List<int>> Tokens) SplitToWordTokens(IReadOnlyList<int> tokens, string? language) =>
        tokenizer.SplitToWordTokens(tokens, language);
}

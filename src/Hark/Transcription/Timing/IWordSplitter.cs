namespace Hark.Transcription.Timing;

/// <summary>The tokenizer's grouping of tokens into words (openai's <c>split_to_word_tokens</c>), which word timestamps need
/// besides <see cref="Decoding.IDecodingTokenizer"/>.</summary>
internal interface IWordSplitter
{
    /// <summary>Words and their tokens, split at spaces, or at characters for languages written without spaces.</summary>
    (List<string> Words, List<List<int>> Tokens) SplitToWordTokens(IReadOnlyList<int> tokens, string? language);
}

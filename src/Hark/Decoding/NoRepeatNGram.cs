namespace Hark.Decoding;

/// <summary>
/// Forbids any token that would complete an n-gram already sampled in this window (faster-whisper
/// <c>no_repeat_ngram_size</c>). The prompt is not considered.
/// </summary>
internal sealed class NoRepeatNGram : ILogitFilter
{
    private readonly int _size;
    private readonly int _sampleBegin;

    /// <summary>Creates the rule.</summary>
    /// <param name="size">N-gram length (≥ 1).</param>
    /// <param name="sampleBegin">Length of the prompt.</param>
    public NoRepeatNGram(int size, int sampleBegin)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        _size = size;
        _sampleBegin = sampleBegin;
    }

    /// <inheritdoc />
    public void Apply(Span<float> logits, ReadOnlySpan<int> tokens)
    {
        var sampled = tokens[Math.Min(_sampleBegin, tokens.Length)..];
        if (sampled.Length < _size) return; // the current n-gram needs n-1 tokens plus at least one earlier n-gram
        var context = sampled[^(_size - 1)..];
        // Every earlier n-gram whose first n-1 tokens equal the current context bans its last token.
        for (var start = 0; start + _size <= sampled.Length; start++)
        {
            if (sampled.Slice(start, _size - 1).SequenceEqual(context))
                logits[sampled[start + _size - 1]] = float.NegativeInfinity;
        }
    }
}

namespace Hark.Decoding;

/// <summary>
/// Forbids a blank (<c>" "</c>) or end-of-text as the first sampled token, so a window never decodes to nothing
/// by accident (openai <c>SuppressBlank</c>).
/// </summary>
internal sealed class SuppressBlank : ILogitFilter
{
    private readonly int[] _tokens;
    private readonly int _sampleBegin;

    /// <summary>Creates the rule.</summary>
    /// <param name="blankTokens">Tokens of <c>" "</c>.</param>
    /// <param name="endOfText">The end-of-text token.</param>
    /// <param name="sampleBegin">Length of the prompt (index of the first sampled token).</param>
    public SuppressBlank(IEnumerable<int> blankTokens, int endOfText, int sampleBegin)
    {
        _tokens = [.. blankTokens, endOfText];
        _sampleBegin = sampleBegin;
    }

    /// <inheritdoc />
    public void Apply(Span<float> logits, ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != _sampleBegin) return;
        foreach (var t in _tokens) logits[t] = float.NegativeInfinity;
    }
}

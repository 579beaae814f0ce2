namespace Hark.Decoding;

/// <summary>Forbids a fixed set of tokens at every step (openai <c>SuppressTokens</c>).</summary>
internal sealed class SuppressTokens : ILogitFilter
{
    private readonly int[] _tokens;

    /// <summary>Creates the rule for <paramref name="tokens"/>.</summary>
    public SuppressTokens(IEnumerable<int> tokens) => _tokens = [.. tokens];

    /// <summary>The suppressed tokens.</summary>
    public IReadOnlyList<int> Tokens => _tokens;

    /// <inheritdoc />
    public void Apply(Span<float> logits, ReadOnlySpan<int> tokens)
    {
        foreach (var t in _tokens) logits[t] = float.NegativeInfinity;
    }
}

namespace Hark.Decoding;

/// <summary>
/// A rule that masks or rescales the next-token logits of one sequence in place, given every token the sequence has
/// been fed so far (prompt included). openai-whisper <c>LogitFilter</c>, applied row by row.
/// </summary>
internal interface ILogitFilter
{
    /// <summary>Modifies <paramref name="logits"/> (one vocabulary row) for the sequence <paramref name="tokens"/>.</summary>
    void Apply(Span<float> logits, ReadOnlySpan<int> tokens);
}

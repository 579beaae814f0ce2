using Hark.Tokenization;

namespace Hark.Decoding;

/// <summary>
/// openai-whisper's timestamp grammar (<c>ApplyTimestampRules</c>): timestamps come in pairs except right before
/// end-of-text, never decrease, every segment has non-zero length, the first sampled token is a timestamp no later
/// than <c>max_initial_timestamp</c>, and a timestamp is forced when the total probability of all timestamps
/// beats every single text token.
/// </summary>
internal sealed class ApplyTimestampRules : ILogitFilter
{
    private readonly SpecialTokens _special;
    private readonly int _sampleBegin;
    private readonly int? _maxInitialTimestampIndex;

    /// <summary>Creates the rule.</summary>
    /// <param name="special">Special tokens of the vocabulary.</param>
    /// <param name="sampleBegin">Length of the prompt (index of the first sampled token).</param>
    /// <param name="maxInitialTimestampIndex">Latest allowed first timestamp in 0.02 s steps; null for no limit.</param>
    public ApplyTimestampRules(SpecialTokens special, int sampleBegin, int? maxInitialTimestampIndex)
    {
        _special = special;
        _sampleBegin = sampleBegin;
        _maxInitialTimestampIndex = maxInitialTimestampIndex;
    }

    /// <inheritdoc />
    public void Apply(Span<float> logits, ReadOnlySpan<int> tokens)
    {
        var tb = _special.TimestampBegin;
        var eot = _special.EndOfText;
        // <|notimestamps|> is chosen by the prompt, never sampled.
        logits[_special.NoTimestamps] = float.NegativeInfinity;

        var sampled = tokens[Math.Min(_sampleBegin, tokens.Length)..];
        var lastWasTimestamp = sampled.Length >= 1 && sampled[^1] >= tb;
        var penultimateWasTimestamp = sampled.Length < 2 || sampled[^2] >= tb;
        if (lastWasTimestamp)
        {
            if (penultimateWasTimestamp) logits[tb..].Fill(float.NegativeInfinity); // a pair just closed: text next
            else logits[..eot].Fill(float.NegativeInfinity); // an open segment: its closing timestamp or EOT
        }

        var lastTimestamp = -1;
        for (var i = sampled.Length - 1; i >= 0; i--)
        {
            if (sampled[i] >= tb)
            {
                lastTimestamp = sampled[i];
                break;
            }
        }
        if (lastTimestamp >= 0)
        {
            // Monotonic; a segment that just opened may close on the same value only if it is the pair's end
            // (the +1 forces non-zero length and prevents infinite loops).
            var limit = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
            logits[tb..Math.Min(limit, logits.Length)].Fill(float.NegativeInfinity);
        }

        if (tokens.Length == _sampleBegin)
        {
            logits[..tb].Fill(float.NegativeInfinity);
            if (_maxInitialTimestampIndex is { } maxIndex)
            {
                var lastAllowed = tb + maxIndex;
                if (lastAllowed + 1 < logits.Length) logits[(lastAllowed + 1)..].Fill(float.NegativeInfinity);
            }
        }

        // Force a timestamp when the probability mass of all timestamps exceeds that of any one text token.
        // Comparing log-probabilities subtracts the same normaliser on both sides, so raw logits suffice.
        var timestampMass = LogMath.LogSumExp(logits[tb..]);
        var maxText = System.Numerics.Tensors.TensorPrimitives.Max((ReadOnlySpan<float>)logits[..tb]);
        if (timestampMass > maxText) logits[..tb].Fill(float.NegativeInfinity);
    }
}

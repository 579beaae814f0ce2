namespace Hark.Decoding;

/// <summary>
/// CTRL-style repetition penalty as faster-whisper/CTranslate2 apply it: the logit of every token already sampled
/// in this window is divided by <c>penalty</c> when positive and multiplied by it when negative (&gt; 1 discourages
/// repeats). The prompt is not penalised.
/// </summary>
internal sealed class RepetitionPenalty : ILogitFilter
{
    private readonly float _penalty;
    private readonly int _sampleBegin;
    private readonly HashSet<int> _seen = [];

    /// <summary>Creates the rule.</summary>
    /// <param name="penalty">Penalty factor (1 = none).</param>
    /// <param name="sampleBegin">Length of the prompt.</param>
    public RepetitionPenalty(float penalty, int sampleBegin)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(penalty);
        _penalty = penalty;
        _sampleBegin = sampleBegin;
    }

    /// <inheritdoc />
    public void Apply(Span<float> logits, ReadOnlySpan<int> tokens)
    {
        _seen.Clear();
        for (var i = _sampleBegin; i < tokens.Length; i++)
        {
            var t = tokens[i];
            if (!_seen.Add(t)) continue;
            var v = logits[t];
            logits[t] = v < 0 ? v * _penalty : v / _penalty;
        }
    }
}

namespace Hark.Decoding;

/// <summary>Chooses the result among the candidates of one window (openai <c>SequenceRanker</c>).</summary>
public interface ISequenceRanker
{
    /// <summary>Index of the chosen candidate.</summary>
    /// <param name="tokens">Sampled tokens of each candidate (prompt and end-of-text excluded).</param>
    /// <param name="sumLogprobs">Cumulative log-probability of each candidate.</param>
    int Rank(IReadOnlyList<int[]> tokens, IReadOnlyList<double> sumLogprobs);
}

/// <summary>
/// Highest log-probability divided by a length penalty: the length itself when <c>length_penalty</c> is null,
/// else Google NMT's <c>((5 + length) / 6) ^ alpha</c> (openai <c>MaximumLikelihoodRanker</c>).
/// </summary>
public sealed class MaximumLikelihoodRanker : ISequenceRanker
{
    private readonly double? _lengthPenalty;

    /// <summary>Creates the ranker.</summary>
    /// <param name="lengthPenalty">Alpha in [0, 1], or null for plain length normalisation.</param>
    public MaximumLikelihoodRanker(double? lengthPenalty) => _lengthPenalty = lengthPenalty;

    /// <inheritdoc />
    public int Rank(IReadOnlyList<int[]> tokens, IReadOnlyList<double> sumLogprobs)
    {
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < tokens.Count; i++)
        {
            double length = tokens[i].Length;
            var penalty = _lengthPenalty is { } alpha ? Math.Pow((5 + length) / 6, alpha) : length;
            var score = sumLogprobs[i] / penalty;
            // numpy argmax: the first NaN (0/0 for an empty sequence) wins, else the first maximum.
            if (double.IsNaN(score)) return i;
            if (score > bestScore)
            {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }
}

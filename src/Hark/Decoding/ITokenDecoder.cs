namespace Hark.Decoding;

/// <summary>
/// Chooses the next token of every sequence from filtered logits (openai <c>TokenDecoder</c>): greedy,
/// sampling or beam search. Sequences are grouped: rows <c>[g·n, (g+1)·n)</c> belong to window <c>g</c>.
/// </summary>
public interface ITokenDecoder
{
    /// <summary>Forgets the state of a previous run.</summary>
    void Reset();

    /// <summary>Appends the next token to every row.</summary>
    /// <param name="tokens">Every token fed so far, one array per row.</param>
    /// <param name="logits">Filtered logits <c>[rows, vocab]</c>.</param>
    /// <param name="sumLogprobs">Cumulative log-probabilities per row, updated in place.</param>
    DecoderStep Update(int[][] tokens, ReadOnlySpan<float> logits, double[] sumLogprobs);

    /// <summary>
    /// Ends the search: for every window, the candidate sequences (each ending with end-of-text) and their
    /// cumulative log-probabilities.
    /// </summary>
    /// <param name="tokens">Rows as left by the last <see cref="Update"/>.</param>
    /// <param name="sumLogprobs">Their cumulative log-probabilities.</param>
    /// <param name="groups">Number of windows.</param>
    IReadOnlyList<IReadOnlyList<Candidate>> Finalize(int[][] tokens, double[] sumLogprobs, int groups);
}

/// <summary>The outcome of one decoding step.</summary>
/// <param name="Tokens">The rows with their new token appended.</param>
/// <param name="SourceRows">Row <c>i</c> continues the cache of row <c>SourceRows[i]</c>; null when unchanged.</param>
/// <param name="Completed">True when every window has enough finished sequences.</param>
public readonly record struct DecoderStep(int[][] Tokens, int[]? SourceRows, bool Completed);

/// <summary>A finished (or forcibly ended) sequence and its cumulative log-probability.</summary>
/// <param name="Tokens">Every token of the sequence, prompt included, ending with end-of-text.</param>
/// <param name="SumLogprob">Sum of the log-probabilities of the sampled tokens.</param>
public sealed record Candidate(int[] Tokens, double SumLogprob);

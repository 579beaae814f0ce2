using System.Numerics.Tensors;

namespace Hark.Decoding;

/// <summary>
/// Picks the most likely token at temperature 0, else samples from <c>softmax(logits / T)</c>
/// (openai <c>GreedyDecoder</c>). Finished rows keep emitting end-of-text.
/// </summary>
public sealed class GreedyDecoder : ITokenDecoder
{
    private readonly float _temperature;
    private readonly int _eot;
    private readonly Random[] _random;
    private float[] _scratch = [];

    /// <summary>Creates the decoder.</summary>
    /// <param name="temperature">0 for greedy, else the sampling temperature.</param>
    /// <param name="endOfText">The end-of-text token.</param>
    /// <param name="random">Source of randomness for sampling (seeded by the caller for reproducible runs).</param>
    public GreedyDecoder(float temperature, int endOfText, Random random)
        : this(temperature, endOfText, [random])
    {
    }

    /// <summary>
    /// Creates a decoder whose rows are split into <c>perGroup.Length</c> equal groups (windows), each sampling from its
    /// own generator: a window's draws then do not depend on which other windows share the batch.
    /// </summary>
    internal GreedyDecoder(float temperature, int endOfText, Random[] perGroup)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(temperature);
        if (perGroup.Length == 0) throw new ArgumentException("at least one generator is needed", nameof(perGroup));
        _temperature = temperature;
        _eot = endOfText;
        _random = perGroup;
    }

    /// <inheritdoc />
    public void Reset() { }

    /// <inheritdoc />
    public DecoderStep Update(int[][] tokens, ReadOnlySpan<float> logits, double[] sumLogprobs)
    {
        var rows = tokens.Length;
        var vocab = logits.Length / rows;
        if (_scratch.Length < vocab) _scratch = new float[vocab];
        var next = new int[rows][];
        var completed = true;
        var perGroup = Math.Max(1, rows / _random.Length);
        for (var r = 0; r < rows; r++)
        {
            var row = logits.Slice(r * vocab, vocab);
            var finished = tokens[r][^1] == _eot;
            var token = _temperature == 0 ? LogMath.ArgMax(row) : Sample(row, _random[Math.Min(r / perGroup, _random.Length - 1)]);
            if (!finished)
            {
                sumLogprobs[r] += row[token] - LogMath.LogSumExp(row);
            }
            else
            {
                token = _eot;
            }
            next[r] = [.. tokens[r], token];
            completed &= token == _eot;
        }
        return new DecoderStep(next, null, completed);
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Candidate>> Finalize(int[][] tokens, double[] sumLogprobs, int groups)
    {
        var perGroup = tokens.Length / groups;
        var result = new List<IReadOnlyList<Candidate>>(groups);
        for (var g = 0; g < groups; g++)
        {
            var candidates = new List<Candidate>(perGroup);
            for (var j = 0; j < perGroup; j++)
            {
                var r = g * perGroup + j;
                // Every sequence gets at least one end-of-text at the end.
                candidates.Add(new Candidate([.. tokens[r], _eot], sumLogprobs[r]));
            }
            result.Add(candidates);
        }
        return result;
    }

    private int Sample(ReadOnlySpan<float> row, Random random)
    {
        // Categorical(logits / T): exp((x - max) / T) vectorised, then inverse-CDF with one uniform draw.
        var weights = _scratch.AsSpan(0, row.Length);
        var max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, weights);
        TensorPrimitives.Divide(weights, _temperature, weights);
        TensorPrimitives.Exp(weights, weights);
        var u = random.NextDouble() * TensorPrimitives.Sum(weights);
        double acc = 0;
        var last = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var p = weights[i];
            if (p == 0) continue;
            last = i;
            acc += p;
            if (u < acc) return i;
        }
        return last;
    }
}

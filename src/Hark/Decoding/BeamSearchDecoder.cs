namespace Hark.Decoding;

/// <summary>
/// openai-whisper's beam search: each beam proposes its <c>beam_size + 1</c> best continuations, the best
/// <c>beam_size</c> unfinished ones survive, finished ones are collected until <c>round(beam_size · patience)</c>
/// of them exist for every window (arXiv:2204.05424).
/// </summary>
public sealed class BeamSearchDecoder : ITokenDecoder
{
    private readonly int _beamSize;
    private readonly int _eot;
    private readonly int _maxCandidates;
    private List<Dictionary<int[], double>>? _finished;
    private List<List<int[]>>? _finishedOrder;

    /// <summary>Creates the decoder.</summary>
    /// <param name="beamSize">Beams per window (≥ 1).</param>
    /// <param name="endOfText">The end-of-text token.</param>
    /// <param name="patience">Finished candidates to wait for, as a multiple of the beam size (default 1).</param>
    public BeamSearchDecoder(int beamSize, int endOfText, double? patience = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beamSize);
        _beamSize = beamSize;
        _eot = endOfText;
        _maxCandidates = (int)Math.Round(beamSize * (patience ?? 1.0), MidpointRounding.ToEven);
        if (_maxCandidates <= 0)
            throw new ArgumentOutOfRangeException(nameof(patience), patience, $"beam size {beamSize} times patience must be at least 1");
    }

    /// <inheritdoc />
    public void Reset()
    {
        _finished = null;
        _finishedOrder = null;
    }

    /// <inheritdoc />
    public DecoderStep Update(int[][] tokens, ReadOnlySpan<float> logits, double[] sumLogprobs)
    {
        if (tokens.Length % _beamSize != 0)
            throw new ArgumentException($"{tokens.Length} rows is not a multiple of the beam size {_beamSize}", nameof(tokens));
        var groups = tokens.Length / _beamSize;
        var vocab = logits.Length / tokens.Length;
        if (_finished is null || _finishedOrder is null)
        {
            _finished = [];
            _finishedOrder = [];
            for (var g = 0; g < groups; g++)
            {
                _finished.Add(new Dictionary<int[], double>(SequenceComparer.Instance));
                _finishedOrder.Add([]);
            }
        }

        var nextTokens = new List<int[]>(tokens.Length);
        var sources = new List<int>(tokens.Length);
        var top = new (int Token, float Logprob)[_beamSize + 1];
        for (var g = 0; g < groups; g++)
        {
            // STEP 1: every beam's best beam_size+1 continuations, keyed by content (identical prefixes collapse,
            // which matters on the first step where all beams are equal; the last writer is the source).
            var scores = new Dictionary<int[], (double Score, int Source, int Order)>(SequenceComparer.Instance);
            for (var j = 0; j < _beamSize; j++)
            {
                var row = g * _beamSize + j;
                // Top-k of the logits is top-k of the log-probabilities: only the k winners are normalised.
                var rowLogits = logits.Slice(row * vocab, vocab);
                var lse = (float)LogMath.LogSumExp(rowLogits);
                var count = TopK(rowLogits, top);
                for (var k = 0; k < count; k++) top[k].Logprob -= lse;
                for (var k = 0; k < count; k++)
                {
                    int[] sequence = [.. tokens[row], top[k].Token];
                    var score = sumLogprobs[row] + top[k].Logprob;
                    var order = scores.TryGetValue(sequence, out var existing) ? existing.Order : scores.Count;
                    scores[sequence] = (score, row, order);
                }
            }

            // STEP 2: best first (stable for ties, like Python's sorted), keep beam_size unfinished ones.
            var ranked = scores.OrderByDescending(kv => kv.Value.Score).ThenBy(kv => kv.Value.Order).ToList();
            var newlyFinished = new List<(int[] Sequence, double Score)>();
            var saved = 0;
            foreach (var (sequence, (score, source, _)) in ranked)
            {
                if (sequence[^1] == _eot)
                {
                    newlyFinished.Add((sequence, score));
                }
                else
                {
                    sumLogprobs[nextTokens.Count] = score;
                    nextTokens.Add(sequence);
                    sources.Add(source);
                    if (++saved == _beamSize) break;
                }
            }

            var finished = _finished[g];
            foreach (var (sequence, score) in newlyFinished)
            {
                if (finished.Count >= _maxCandidates) break; // the candidate list is full
                if (finished.TryAdd(sequence, score)) _finishedOrder[g].Add(sequence);
                else finished[sequence] = score;
            }
        }

        var completed = _finished.All(f => f.Count >= _maxCandidates);
        return new DecoderStep([.. nextTokens], [.. sources], completed);
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Candidate>> Finalize(int[][] tokens, double[] sumLogprobs, int groups)
    {
        var result = new List<IReadOnlyList<Candidate>>(groups);
        for (var g = 0; g < groups; g++)
        {
            var finished = _finished?[g] ?? new Dictionary<int[], double>(SequenceComparer.Instance);
            var order = _finishedOrder?[g] ?? [];
            if (finished.Count < _beamSize)
            {
                // Not enough finished: add the unfinished beams, best first, each closed with end-of-text.
                var rows = Enumerable.Range(g * _beamSize, _beamSize).OrderByDescending(r => sumLogprobs[r]).ThenByDescending(r => r);
                foreach (var r in rows)
                {
                    int[] sequence = [.. tokens[r], _eot];
                    if (finished.TryAdd(sequence, sumLogprobs[r])) order.Add(sequence);
                    else finished[sequence] = sumLogprobs[r];
                    if (finished.Count >= _beamSize) break;
                }
            }
            result.Add([.. order.Select(s => new Candidate(s, finished[s]))]);
        }
        return result;
    }

    private int TopK(ReadOnlySpan<float> logprobs, (int Token, float Logprob)[] top)
    {
        // Partial selection: descending value, lower id first on ties.
        var count = 0;
        for (var i = 0; i < logprobs.Length; i++)
        {
            var v = logprobs[i];
            if (count == top.Length && !(v > top[count - 1].Logprob)) continue;
            var pos = count < top.Length ? count++ : count - 1;
            while (pos > 0 && top[pos - 1].Logprob < v)
            {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = (i, v);
        }
        return count;
    }
}

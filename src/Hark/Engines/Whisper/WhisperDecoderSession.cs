using Hark.Checkpoints;
using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>
/// Whisper's decoder over an <see cref="IOpBackend"/>, with its state: token embedding plus learned positions
/// (offset = cache length), pre-LN blocks of causal self-attention (KV cache preallocated to MaxLength), cross-attention
/// on K/V computed once per window (<see cref="CrossAttentionCache"/>, shared by the sessions of one
/// <see cref="ManagedDecoderFactory"/>), MLP, final LayerNorm, logits = h · Eᵀ (or proj_out when untied) only
/// for the requested positions.
/// </summary>
internal sealed class WhisperDecoderSession : IDecoderSession
{
    private const float Epsilon = 1e-5f;

    private readonly IOpBackend _backend;
    private readonly WhisperConfig _config;
    private readonly WhisperWeights _weights;
    private readonly KvCache _cache;
    private readonly CrossAttentionCache _cross;
    private readonly bool _ownsCross;
    private readonly DecoderBuffers _buffers;
    private readonly AlignmentRecorder? _alignment;
    private readonly int _maxLength;
    private readonly float _scale;
    private int[] _selfIndex;
    private int[] _crossIndex;
    private int[] _scratchIndex;
    private bool _disposed;

    /// <summary>A session over <c>cross</c>; sequence <c>i</c> attends to its entry <c>audioIndex[i]</c>. With <c>ownsCross</c>,
    /// <c>cross</c> was made for this session alone and is disposed with it. Its logits and recorded attention come from
    /// (and go back to) the engine's <c>pool</c>.</summary>
    public WhisperDecoderSession(IOpBackend backend, WhisperConfig config, WhisperWeights weights, CrossAttentionCache cross, bool ownsCross,
        ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options, TensorPool pool)
    {
        _backend = backend;
        _config = config;
        _weights = weights;
        if (audioIndex.IsEmpty) throw new ArgumentException("a decoder session needs at least one sequence", nameof(audioIndex));
        _maxLength = options?.MaxLength ?? config.MaxTargetPositions;
        if (_maxLength < 1 || _maxLength > config.MaxTargetPositions)
            throw new HarkInputException($"max length {_maxLength} is outside 1..{config.MaxTargetPositions} (the model's context)", field: "MaxLength");
        _scale = 1f / MathF.Sqrt(config.DecoderHeadDim);
        var sequences = audioIndex.Length;
        SequenceCount = sequences;
        _cross = cross;
        _ownsCross = ownsCross;
        _crossIndex = audioIndex.ToArray();
        foreach (var e in _crossIndex)
        {
            if ((uint)e >= (uint)cross.Entries) throw new ArgumentOutOfRangeException(nameof(audioIndex), e, $"window outside 0..{cross.Entries - 1}");
        }
        _selfIndex = Enumerable.Range(0, sequences).ToArray();
        _scratchIndex = new int[sequences];
        _buffers = new DecoderBuffers(backend, pool, config.DModel, config.DecoderFfnDim, config.VocabSize, cross.DType);
        _cache = new KvCache(backend, config.DecoderLayers, config.DModel, _maxLength, sequences, cross.DType);
        var positions = config.MaxSourcePositions;
        if (options?.AlignmentHeads is { Count: > 0 } heads)
            _alignment = new AlignmentRecorder(backend, pool, heads, config.DecoderLayers, config.DecoderAttentionHeads, sequences, _maxLength, positions);
    }

    public int SequenceCount { get; private set; }

    public int Length { get; private set; }

    public ReadOnlyMemory<float> AlignmentWeights => _alignment?.Snapshot(SequenceCount, Length) ?? ReadOnlyMemory<float>.Empty;

    public void Step(ReadOnlySpan<int> tokens, int tokensPerSequence, Span<float> logits, ReadOnlySpan<int> positions = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int s = SequenceCount, t = tokensPerSequence, start = Length, vocab = _config.VocabSize;
        if (t < 1) throw new ArgumentOutOfRangeException(nameof(tokensPerSequence), t, "feed at least one token per sequence");
        if (tokens.Length != s * t) throw new ArgumentException($"{tokens.Length} tokens given; expected {s} sequences × {t}", nameof(tokens));
        if (start + t > _maxLength)
            throw new HarkInputException($"sequence would reach {start + t} tokens; the session holds at most {_maxLength}", field: "MaxLength");
        var outputs = positions.IsEmpty ? 1 : positions.Length;
        if (logits.Length != (long)s * outputs * vocab)
            throw new ArgumentException($"logits holds {logits.Length} values; expected {s}×{outputs}×{vocab}", nameof(logits));
        foreach (var p in positions)
        {
            if ((uint)p >= (uint)t) throw new ArgumentOutOfRangeException(nameof(positions), p, $"position outside the {t} new tokens");
        }
        var rows = s * t;
        var b = _buffers;
        b.EnsureRows(Math.Max(rows, s * outputs));
        b.EnsureOutputs(s * outputs);
        for (var i = 0; i < rows; i++)
        {
            if ((uint)tokens[i] >= (uint)vocab) throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"token outside the vocabulary of {vocab}");
            b.Tokens[i] = tokens[i];
            b.Positions[i] = start + i % t;
        }
        var x = TensorView.Of(b.X, 0, rows);
        var norm = TensorView.Of(b.Norm, 0, rows);
        var q = TensorView.Of(b.Q, 0, rows);
        var attended = TensorView.Of(b.Attended, 0, rows);
        _backend.Gather(_weights.TokenEmbedding, b.Tokens.AsSpan(0, rows), x, accumulate: false);
        _backend.Gather(_weights.DecoderPositions, b.Positions.AsSpan(0, rows), x, accumulate: true);
        for (var i = 0; i < s; i++)
        {
            b.SourceStarts[i] = i * t;
            b.DestinationStarts[i] = i * _maxLength + start;
        }
        for (var l = 0; l < _config.DecoderLayers; l++)
        {
            var layer = _weights.DecoderLayers[l];
            _backend.LayerNorm(x, layer.SelfNorm.Gamma, layer.SelfNorm.Beta, norm, Epsilon);
            var a = layer.Self;
            _backend.Linear(norm, a.Q, a.QBias, q);
            _backend.Linear(norm, a.K, null, TensorView.Of(b.K, 0, rows));
            _backend.Linear(norm, a.V, a.VBias, TensorView.Of(b.V, 0, rows));
            _backend.CopyRows(b.K, b.SourceStarts.AsSpan(0, s), _cache.K[l], b.DestinationStarts.AsSpan(0, s), t);
            _backend.CopyRows(b.V, b.SourceStarts.AsSpan(0, s), _cache.V[l], b.DestinationStarts.AsSpan(0, s), t);
            _backend.Attention(new AttentionArgs
            {
                Query = q, Keys = _cache.K[l], Values = _cache.V[l], Output = attended,
                KvStride = _maxLength, KvLength = start + t, KvIndex = _selfIndex.AsSpan(0, s),
                QueriesPerSequence = t, Heads = _config.DecoderAttentionHeads, Scale = _scale, Causal = true,
            });
            _backend.Linear(attended, a.Out, a.OutBias, x, accumulate: true);

            _backend.LayerNorm(x, layer.CrossNorm.Gamma, layer.CrossNorm.Beta, norm, Epsilon);
            var c = layer.Cross;
            _backend.Linear(norm, c.Q, c.QBias, q);
            _backend.Attention(new AttentionArgs
            {
                Query = q, Keys = _cross.Keys(l), Values = _cross.Values(l), Output = attended,
                KvStride = _config.MaxSourcePositions, KvLength = _config.MaxSourcePositions, KvIndex = _crossIndex.AsSpan(0, s),
                QueriesPerSequence = t, Heads = _config.DecoderAttentionHeads, Scale = _scale,
                RecordHeads = _alignment is null ? default : _alignment.HeadsOfLayer(l),
                Recorded = _alignment is null ? default : _alignment.StepRows(l, s, t),
            });
            _backend.Linear(attended, c.Out, c.OutBias, x, accumulate: true);

            _backend.LayerNorm(x, layer.MlpNorm.Gamma, layer.MlpNorm.Beta, norm, Epsilon);
            _backend.Linear(norm, layer.Fc1, layer.Fc1Bias, TensorView.Of(b.Hidden, 0, rows), Activation.Gelu);
            _backend.Linear(TensorView.Of(b.Hidden, 0, rows), layer.Fc2, layer.Fc2Bias, x, accumulate: true);
        }

        // Only the requested positions go through the final norm and the vocab projection.
        for (var i = 0; i < s; i++)
        {
            for (var p = 0; p < outputs; p++)
            {
                b.SourceStarts[i * outputs + p] = i * t + (positions.IsEmpty ? t - 1 : positions[p]);
                b.DestinationStarts[i * outputs + p] = i * outputs + p;
            }
        }
        var picked = s * outputs;
        _backend.CopyRows(b.X, b.SourceStarts.AsSpan(0, picked), b.Selected, b.DestinationStarts.AsSpan(0, picked), 1);
        var selected = TensorView.Of(b.Selected, 0, picked);
        _backend.LayerNorm(selected, _weights.DecoderNorm.Gamma, _weights.DecoderNorm.Beta, selected, Epsilon);
        var logitRows = TensorView.Of(b.Logits, 0, picked);
        _backend.Linear(selected, _weights.OutputProjection, null, logitRows);
        _backend.Download(logitRows, logits);
        _alignment?.Commit(s, t, start);
        Length = start + t;
    }

    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sourceRows.IsEmpty) throw new ArgumentException("reorder needs at least one sequence", nameof(sourceRows));
        foreach (var r in sourceRows)
        {
            if ((uint)r >= (uint)SequenceCount) throw new ArgumentOutOfRangeException(nameof(sourceRows), r, $"source row outside 0..{SequenceCount - 1}");
        }
        var count = sourceRows.Length;
        if (_scratchIndex.Length < count) _scratchIndex = new int[count];
        for (var i = 0; i < count; i++) _scratchIndex[i] = _crossIndex[sourceRows[i]];
        if (_crossIndex.Length < count) _crossIndex = new int[count];
        _scratchIndex.AsSpan(0, count).CopyTo(_crossIndex);
        if (_selfIndex.Length < count) _selfIndex = Enumerable.Range(0, count).ToArray();
        _cache.Reorder(sourceRows, Length);
        _alignment?.Reorder(sourceRows, Length);
        SequenceCount = count;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cache.Dispose();
        _alignment?.Dispose();
        if (_ownsCross) _cross.Dispose();
        _buffers.Dispose();
    }
}

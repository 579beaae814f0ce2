using Hark.Formats.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Hark.Engines.Onnx;

/// <summary>
/// Decoding state over ONNX Runtime: the first step runs the decoder without past (or the merged decoder's
/// no-cache branch) and keeps every <c>present.*</c> output as the next step's <c>past_key_values.*</c> input, bound
/// through one reused <see cref="OrtIoBinding"/>; caches never leave the provider's memory. A session given its
/// cross-attention caches (<see cref="OnnxDecoderFactory"/>) runs every step, the first included, on the cached
/// branch with an empty self-attention past, so the K/V of the audio are not computed again.
/// </summary>
internal sealed class OnnxDecoderSession : IDecoderSession
{
    private readonly OnnxEngine _engine;
    private readonly int _maxLength;
    private readonly int _layers;
    private OrtValue? _encoderStates;
    private readonly OrtValue?[] _self;   // per layer: key, value
    private readonly OrtValue?[] _cross;  // per layer: key, value
    private int[] _audioIndex;
    private readonly Dictionary<InferenceSession, OrtIoBinding> _bindings = [];
    private bool _disposed;

    private readonly OnnxAlignmentHistory? _alignment;

    public OnnxDecoderSession(OnnxEngine engine, OrtValue encoderStates, ReadOnlySpan<int> audioIndex, int maxLength, int[]? alignmentIndex = null)
    {
        _engine = engine;
        if (alignmentIndex is not null)
            _alignment = new OnnxAlignmentHistory(alignmentIndex, engine.ExportedAlignmentHeads!.Count, audioIndex.Length, maxLength, engine.Config.MaxSourcePositions);
        _encoderStates = encoderStates;
        _audioIndex = audioIndex.ToArray();
        _maxLength = maxLength;
        _layers = engine.Config.DecoderLayers;
        _self = new OrtValue?[2 * _layers];
        _cross = new OrtValue?[2 * _layers];
    }

    /// <summary>A session whose cross-attention caches (per layer key, value; one row per sequence) are given.</summary>
    public OnnxDecoderSession(OnnxEngine engine, OrtValue[] cross, ReadOnlySpan<int> audioIndex, int maxLength, int[]? alignmentIndex = null)
        : this(engine, encoderStates: null!, audioIndex, maxLength, alignmentIndex)
    {
        _encoderStates = null;
        for (var i = 0; i < cross.Length; i++) _cross[i] = cross[i];
    }

    /// <summary>Hands over the cross-attention caches (per layer key, value) after the first step; the session no longer owns them.</summary>
    internal OrtValue[] TakeCross()
    {
        var taken = new OrtValue[_cross.Length];
        for (var i = 0; i < _cross.Length; i++)
        {
            taken[i] = _cross[i] ?? throw new InvalidOperationException("the cross-attention caches are computed by the first step");
            _cross[i] = null;
        }
        return taken;
    }

    /// <inheritdoc />
    public int SequenceCount => _audioIndex.Length;

    /// <inheritdoc />
    public int Length { get; private set; }

    /// <inheritdoc />
    public ReadOnlyMemory<float> AlignmentWeights => _alignment?.Snapshot(SequenceCount, Length) ?? ReadOnlyMemory<float>.Empty;

    /// <inheritdoc />
    public void Step(ReadOnlySpan<int> tokens, int tokensPerSequence, Span<float> logits, ReadOnlySpan<int> positions = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var s = SequenceCount;
        var vocab = _engine.Config.VocabSize;
        if (tokensPerSequence <= 0 || tokens.Length != s * tokensPerSequence)
            throw new ArgumentException($"expected {s} × {tokensPerSequence} tokens, got {tokens.Length}", nameof(tokens));
        if (Length + tokensPerSequence > _maxLength)
            throw new HarkException($"decoding past {_maxLength} tokens (the session's maximum length)");
        foreach (var p in positions)
            if ((uint)p >= (uint)tokensPerSequence) throw new ArgumentOutOfRangeException(nameof(positions), p, $"positions must be within 0..{tokensPerSequence - 1}");
        var rowsOut = positions.IsEmpty ? 1 : positions.Length;
        if (logits.Length != (long)s * rowsOut * vocab)
            throw new ArgumentException($"expected {s} × {rowsOut} × {vocab} logits, got {logits.Length}", nameof(logits));

        // "first" = this step computes the cross-attention caches from the encoder states.
        var first = _cross[0] is null;
        var session = first ? _engine.Decoder ?? _engine.DecoderMerged! : _engine.DecoderWithPast ?? _engine.DecoderMerged!;
        var merged = ReferenceEquals(session, _engine.DecoderMerged);
        // One binding per session, reused every step (separate decoders: one for the first step, one for the rest).
        if (!_bindings.TryGetValue(session, out var binding)) _bindings[session] = binding = session.CreateIoBinding();
        binding.ClearBoundInputs();
        binding.ClearBoundOutputs();

        var disposables = new List<OrtValue>();
        try
        {
            var ids = OnnxValues.Tokens(tokens, _engine.TokenType, [s, tokensPerSequence]);
            disposables.Add(ids);
            binding.BindInput(OptimumNames.InputIds, ids);
            if (first)
            {
                binding.BindInput(OptimumNames.EncoderHiddenStates, _encoderStates ?? throw new InvalidOperationException("encoder states released"));
            }
            else if (merged)
            {
                // The cache branch ignores encoder states; an empty tensor satisfies the input.
                var none = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _engine.StatesType, [s, 0, _engine.Config.DModel]);
                disposables.Add(none);
                binding.BindInput(OptimumNames.EncoderHiddenStates, none);
            }
            if (!first || merged) BindPast(binding, first, disposables);
            if (merged)
            {
                var flag = OrtValue.CreateTensorValueFromMemory(new[] { !first }, [1]);
                disposables.Add(flag);
                binding.BindInput(OptimumNames.UseCacheBranch, flag);
            }
            binding.BindOutputToDevice(OptimumNames.Logits, OrtMemoryInfo.DefaultInstance);
            var withCross = first || merged;
            for (var l = 0; l < _layers; l++)
            {
                binding.BindOutputToDevice(OptimumNames.Present(l, false, false), _engine.DeviceMemory);
                binding.BindOutputToDevice(OptimumNames.Present(l, false, true), _engine.DeviceMemory);
                if (!withCross) continue;
                binding.BindOutputToDevice(OptimumNames.Present(l, true, false), _engine.DeviceMemory);
                binding.BindOutputToDevice(OptimumNames.Present(l, true, true), _engine.DeviceMemory);
            }
            if (_alignment is not null) binding.BindOutputToDevice(OptimumNames.CrossAttentions, OrtMemoryInfo.DefaultInstance);
            OnnxEngine.Run(session, binding, CancellationToken.None);

            var outputs = binding.GetOutputValues().ToArray();
            var logitsValue = outputs[0];
            disposables.Add(logitsValue);
            var k = 1;
            for (var l = 0; l < _layers; l++)
            {
                Replace(_self, 2 * l, outputs[k++]);
                Replace(_self, 2 * l + 1, outputs[k++]);
                if (!withCross) continue;
                if (first)
                {
                    Replace(_cross, 2 * l, outputs[k++]);
                    Replace(_cross, 2 * l + 1, outputs[k++]);
                }
                else
                {
                    // The merged cache branch passes the cross caches through; ours are already held.
                    disposables.Add(outputs[k++]);
                    disposables.Add(outputs[k++]);
                }
            }
            CopyLogits(logitsValue, tokensPerSequence, positions, logits);
            if (_alignment is not null)
            {
                disposables.Add(outputs[k]);
                _alignment.Record(outputs[k], s, tokensPerSequence, Length);
            }
        }
        finally
        {
            foreach (var d in disposables) d.Dispose();
        }
        if (first)
        {
            // Cross-attention caches now hold everything the decoder needs from the audio.
            _encoderStates?.Dispose();
            _encoderStates = null;
        }
        Length += tokensPerSequence;
    }

    /// <inheritdoc />
    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sourceRows.IsEmpty) throw new ArgumentException("at least one row is needed", nameof(sourceRows));
        foreach (var r in sourceRows)
            if ((uint)r >= (uint)SequenceCount) throw new ArgumentOutOfRangeException(nameof(sourceRows), r, $"rows must be within 0..{SequenceCount - 1}");
        var newAudio = new int[sourceRows.Length];
        for (var i = 0; i < newAudio.Length; i++) newAudio[i] = _audioIndex[sourceRows[i]];
        // Rows that attend to the same window hold identical cross caches: skip that gather when the layout is unchanged.
        var crossUnchanged = newAudio.AsSpan().SequenceEqual(_audioIndex);
        if (_encoderStates is not null && !crossUnchanged) _encoderStates = Regather(_encoderStates, sourceRows);
        for (var i = 0; i < _self.Length; i++)
        {
            if (_self[i] is { } v) _self[i] = Regather(v, sourceRows);
            if (!crossUnchanged && _cross[i] is { } c) _cross[i] = Regather(c, sourceRows);
        }
        _alignment?.Reorder(sourceRows, Length);
        _audioIndex = newAudio;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _encoderStates?.Dispose();
        foreach (var v in _self) v?.Dispose();
        foreach (var v in _cross) v?.Dispose();
        foreach (var b in _bindings.Values) b.Dispose();
    }

    private void BindPast(OrtIoBinding binding, bool first, List<OrtValue> disposables)
    {
        var heads = _engine.Config.DecoderAttentionHeads;
        var hd = _engine.Config.DecoderHeadDim;
        for (var l = 0; l < _layers; l++)
        {
            for (var j = 0; j < 4; j++)
            {
                var encoder = j >= 2;
                var value = j % 2 == 1;
                // Empty: everything on the first step; the self-attention past before any token was fed.
                OrtValue v;
                if (first || (!encoder && Length == 0))
                {
                    v = OnnxValues.EmptyCache(_engine.CacheType, SequenceCount, heads, hd);
                    disposables.Add(v);
                }
                else
                {
                    v = (encoder ? _cross : _self)[2 * l + (value ? 1 : 0)] ?? throw new InvalidOperationException("cache missing");
                }
                binding.BindInput(OptimumNames.Past(l, encoder, value), v);
            }
        }
    }

    private void CopyLogits(OrtValue value, int tokensPerSequence, ReadOnlySpan<int> positions, Span<float> destination)
    {
        var vocab = _engine.Config.VocabSize;
        var rows = positions.IsEmpty ? 1 : positions.Length;
        for (var s = 0; s < SequenceCount; s++)
        {
            for (var r = 0; r < rows; r++)
            {
                var position = positions.IsEmpty ? tokensPerSequence - 1 : positions[r];
                OnnxValues.ReadFloats(value, ((long)s * tokensPerSequence + position) * vocab, destination.Slice((s * rows + r) * vocab, vocab));
            }
        }
    }

    private OrtValue Regather(OrtValue value, ReadOnlySpan<int> rows)
    {
        var result = _engine.Gather.Rows(value, rows, _engine.DeviceMemory);
        value.Dispose();
        return result;
    }

    private static void Replace(OrtValue?[] slots, int index, OrtValue value)
    {
        slots[index]?.Dispose();
        slots[index] = value;
    }
}

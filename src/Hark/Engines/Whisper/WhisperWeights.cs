using Hark.Checkpoints;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;
using N = Hark.Checkpoints.WhisperTensorNames;

namespace Hark.Engines.Whisper;

/// <summary>Weights of one attention block on a backend (k_proj has no bias in Whisper).</summary>
internal sealed record AttentionWeights(IDeviceTensor Q, IDeviceTensor QBias, IDeviceTensor K, IDeviceTensor V, IDeviceTensor VBias, IDeviceTensor Out, IDeviceTensor OutBias);

/// <summary>A LayerNorm's affine parameters.</summary>
internal sealed record NormWeights(IDeviceTensor Gamma, IDeviceTensor Beta);

/// <summary>One encoder block.</summary>
internal sealed record EncoderLayerWeights(NormWeights SelfNorm, AttentionWeights Self, NormWeights MlpNorm, IDeviceTensor Fc1, IDeviceTensor Fc1Bias, IDeviceTensor Fc2, IDeviceTensor Fc2Bias);

/// <summary>One decoder block.</summary>
internal sealed record DecoderLayerWeights(NormWeights SelfNorm, AttentionWeights Self, NormWeights CrossNorm, AttentionWeights Cross, NormWeights MlpNorm,
    IDeviceTensor Fc1, IDeviceTensor Fc1Bias, IDeviceTensor Fc2, IDeviceTensor Fc2Bias);

/// <summary>
/// Every Whisper weight, read from an <see cref="ITensorSource"/> and placed on a backend. Matrices (linear, conv,
/// token embedding) take the requested storage; vectors and positions stay float32. Under int8 the conv stem stays
/// float32 (it is 2 % of the FLOPs and sees raw features). The tied token embedding is stored once and serves both
/// the lookup and the output projection.
/// </summary>
internal sealed class WhisperWeights : IDisposable
{
    private readonly List<IDeviceTensor> _all = [];
    private readonly IOpBackend _backend;
    private readonly ITensorSource _source;
    private readonly WhisperConfig _config;
    private readonly TensorDType _storage;
    private readonly bool _roundOnly;
    private readonly IWeightStore? _store;
    private NativeBuffer? _scratch;

    private WhisperWeights(IOpBackend backend, ITensorSource source, WhisperConfig config, TensorDType storage, bool roundOnly, IWeightStore? store)
    {
        _store = store;
        _backend = backend;
        _source = source;
        _config = config;
        _storage = roundOnly ? TensorDType.Float32 : storage;
        _roundOnly = roundOnly;
        RoundTo = storage;
    }

    /// <summary>Precision the values were rounded to (differs from the stored type under convert-at-load).</summary>
    public TensorDType RoundTo { get; }

    public IDeviceTensor Conv1 { get; private set; } = null!;
    public IDeviceTensor Conv1Bias { get; private set; } = null!;
    public IDeviceTensor Conv2 { get; private set; } = null!;
    public IDeviceTensor Conv2Bias { get; private set; } = null!;
    public IDeviceTensor EncoderPositions { get; private set; } = null!;
    public EncoderLayerWeights[] EncoderLayers { get; private set; } = [];
    public NormWeights EncoderNorm { get; private set; } = null!;
    public IDeviceTensor TokenEmbedding { get; private set; } = null!;
    public IDeviceTensor DecoderPositions { get; private set; } = null!;
    public DecoderLayerWeights[] DecoderLayers { get; private set; } = [];
    public NormWeights DecoderNorm { get; private set; } = null!;
    public IDeviceTensor OutputProjection { get; private set; } = null!;

    /// <summary>Bytes held on the backend.</summary>
    public long ByteSize => _all.Sum(t => t.ByteSize);

    /// <summary>
    /// Reads and places every weight. With <paramref name="roundOnly"/> (convert-at-load) values are rounded to
    /// <paramref name="storage"/> but stored as float32: the fp32 kernel runs, at fp32 memory. With a
    /// <paramref name="store"/> (which the weights then own), tensors it holds are taken from it and the others handed to it.
    /// </summary>
    public static WhisperWeights Load(IOpBackend backend, ITensorSource source, WhisperConfig config, TensorDType storage, bool roundOnly,
        IWeightStore? store = null)
    {
        var w = new WhisperWeights(backend, source, config, storage, roundOnly, store);
        try
        {
            w.LoadAll();
            store?.Complete();
            w.ReleaseScratch();
            return w;
        }
        catch
        {
            w.Dispose();
            throw;
        }
    }

    private void LoadAll()
    {
        var c = _config;
        int d = c.DModel, mels = c.NumMelBins;
        var convStorage = _storage == TensorDType.Int8 ? TensorDType.Float32 : _storage;
        Conv1 = Conv(N.Conv1Weight, d, mels, convStorage);
        Conv1Bias = Vector(N.Conv1Bias, d);
        Conv2 = Conv(N.Conv2Weight, d, d, convStorage);
        Conv2Bias = Vector(N.Conv2Bias, d);
        EncoderPositions = Dense(N.EncoderPositions, c.MaxSourcePositions, d);
        EncoderLayers = new EncoderLayerWeights[c.EncoderLayers];
        for (var l = 0; l < c.EncoderLayers; l++)
        {
            var p = N.EncoderLayer(l);
            EncoderLayers[l] = new EncoderLayerWeights(Norm(p + "self_attn_layer_norm", d), Attention(p + "self_attn", d), Norm(p + "final_layer_norm", d),
                Linear(p + "fc1.weight", c.EncoderFfnDim, d), Vector(p + "fc1.bias", c.EncoderFfnDim),
                Linear(p + "fc2.weight", d, c.EncoderFfnDim), Vector(p + "fc2.bias", d));
        }
        EncoderNorm = Norm("encoder.layer_norm", d);
        TokenEmbedding = Linear(N.TokenEmbedding, c.VocabSize, d);
        DecoderPositions = Dense(N.DecoderPositions, c.MaxTargetPositions, d);
        DecoderLayers = new DecoderLayerWeights[c.DecoderLayers];
        for (var l = 0; l < c.DecoderLayers; l++)
        {
            var p = N.DecoderLayer(l);
            DecoderLayers[l] = new DecoderLayerWeights(Norm(p + "self_attn_layer_norm", d), Attention(p + "self_attn", d),
                Norm(p + "encoder_attn_layer_norm", d), Attention(p + "encoder_attn", d), Norm(p + "final_layer_norm", d),
                Linear(p + "fc1.weight", c.DecoderFfnDim, d), Vector(p + "fc1.bias", c.DecoderFfnDim),
                Linear(p + "fc2.weight", d, c.DecoderFfnDim), Vector(p + "fc2.bias", d));
        }
        DecoderNorm = Norm("decoder.layer_norm", d);
        OutputProjection = c.TieWordEmbeddings || !_source.Tensors.ContainsKey(N.OutputProjection)
            ? TokenEmbedding
            : Linear(N.OutputProjection, c.VocabSize, d);
    }

    private AttentionWeights Attention(string prefix, int d) => new(
        Linear(prefix + ".q_proj.weight", d, d), Vector(prefix + ".q_proj.bias", d),
        Linear(prefix + ".k_proj.weight", d, d),
        Linear(prefix + ".v_proj.weight", d, d), Vector(prefix + ".v_proj.bias", d),
        Linear(prefix + ".out_proj.weight", d, d), Vector(prefix + ".out_proj.bias", d));

    private NormWeights Norm(string prefix, int d) => new(Vector(prefix + ".weight", d), Vector(prefix + ".bias", d));

    private IDeviceTensor Vector(string name, int n) => Dense(name, 1, n);

    private IDeviceTensor Dense(string name, int rows, int columns)
    {
        if (_store?.Find(name, WeightKind.Dense, rows, columns, TensorDType.Float32) is { } stored) return Track(stored);
        var values = Read(name, (long)rows * columns);
        if (_store?.Build(name, WeightKind.Dense, values, rows, columns, TensorDType.Float32) is { } built) return Track(built);
        var t = Track(_backend.Allocate(rows, columns));
        _backend.Upload(values, TensorView.Of(t));
        return t;
    }

    private IDeviceTensor Linear(string name, int outFeatures, int inFeatures)
    {
        if (_store?.Find(name, WeightKind.Linear, outFeatures, inFeatures, _storage) is { } stored) return Track(stored);
        var values = Read(name, (long)outFeatures * inFeatures);
        Round(values);
        return Track(_store?.Build(name, WeightKind.Linear, values, outFeatures, inFeatures, _storage)
                     ?? _backend.CreateLinearWeight(values, outFeatures, inFeatures, _storage));
    }

    private IDeviceTensor Conv(string name, int outChannels, int inChannels, TensorDType storage)
    {
        if (_store?.Find(name, WeightKind.Conv, outChannels, 3 * inChannels, storage) is { } stored) return Track(stored);
        var values = Read(name, (long)outChannels * inChannels * 3);
        Round(values);
        return Track(_store?.Build(name, WeightKind.Conv, values, outChannels, 3 * inChannels, storage)
                     ?? _backend.CreateConv1dWeight(values, outChannels, inChannels, 3, storage));
    }

    private void Round(Span<float> values)
    {
        if (!_roundOnly || RoundTo is TensorDType.Float32 or TensorDType.Int8) return;
        var type = RoundTo == TensorDType.Float16 ? DType.F16 : DType.BF16;
        const int chunk = 1 << 16;
        var bytes = new byte[chunk * 2];
        for (var i = 0; i < values.Length; i += chunk)
        {
            var part = values.Slice(i, Math.Min(chunk, values.Length - i));
            var b = bytes.AsSpan(0, part.Length * 2);
            DTypeConversion.FromFloat32(type, part, b);
            DTypeConversion.ToFloat32(type, b, part);
        }
    }

    /// <summary>
    /// Reads a tensor as float32 into one scratch buffer reused for every tensor (grown to the largest), so its pages are
    /// faulted in once per load rather than once per tensor; it is freed when the load ends.
    /// </summary>
    private unsafe Span<float> Read(string name, long expected)
    {
        if (!_source.Tensors.TryGetValue(name, out var info))
            throw new HarkInputException($"tensor missing from the checkpoint; expected {expected} values", field: name);
        if (info.ElementCount != expected)
            throw new HarkInputException($"tensor has shape {info.ShapeText} ({info.ElementCount} values); expected {expected} values for this config", field: name);
        if (_scratch is null || _scratch.ByteSize < expected * sizeof(float))
        {
            _scratch?.Dispose();
            _scratch = null;
            _scratch = new NativeBuffer(expected * sizeof(float));
        }
        var span = new Span<float>(_scratch.Pointer, checked((int)expected));
        _source.ReadFloat32(name, span);
        return span;
    }

    private void ReleaseScratch()
    {
        _scratch?.Dispose();
        _scratch = null;
    }

    private IDeviceTensor Track(IDeviceTensor t)
    {
        _all.Add(t);
        return t;
    }

    public void Dispose()
    {
        foreach (var t in _all) t.Dispose();
        _all.Clear();
        ReleaseScratch();
        _store?.Dispose();
    }
}

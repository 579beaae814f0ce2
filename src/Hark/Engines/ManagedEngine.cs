using Hark.Checkpoints;
using Hark.Engines.Backends;
using Hark.Engines.Cache;
using Hark.Engines.Cpu;
using Hark.Engines.Whisper;

namespace Hark.Engines;

/// <summary>
/// Hark's own Whisper engine: the forward pass written once over an <see cref="IOpBackend"/> (the CPU backend by
/// default), loading weights straight from a checkpoint. No native dependency; the reference the other engines and
/// converters are checked against.
/// </summary>
public sealed class ManagedEngine : IWhisperEngine
{
    private readonly IOpBackend _backend;
    private readonly TensorPool _pool;
    private readonly WhisperWeights _weights;
    private readonly WhisperEncoder _encoder;
    private bool _disposed;

    private ManagedEngine(WhisperConfig config, IOpBackend backend, WhisperWeights weights, ComputePrecision precision)
    {
        Config = config;
        _backend = backend;
        _pool = new TensorPool(backend);
        _weights = weights;
        _encoder = new WhisperEncoder(backend, config, weights);
        Description = new EngineDescription("managed", backend.Device, precision, backend.Threads, weights.ByteSize);
    }

    /// <inheritdoc />
    public WhisperConfig Config { get; }

    /// <summary>The loaded weights (tests identify ops by the weight they use).</summary>
    internal WhisperWeights Weights => _weights;

    /// <inheritdoc />
    public EngineDescription Description { get; }

    /// <summary>Loads weights onto a new op backend for <see cref="ManagedEngineOptions.Device"/>, as <see cref="EngineRegistry.Default"/> creates it.</summary>
    /// <exception cref="HarkInputException">A tensor is missing, has the wrong shape, or holds NaN/infinity; int4 was asked for; or the device is not one this engine runs on.</exception>
    /// <exception cref="HarkException">Vulkan was asked for and no Vulkan driver or device is present.</exception>
    public static ManagedEngine Load(WhisperConfig config, ITensorSource tensors, ManagedEngineOptions? options = null)
    {
        options ??= new ManagedEngineOptions();
        return Load(config, tensors, options, EngineRegistry.Default.Resolve(EngineKind.Managed, options.Device) as ManagedBackend
            ?? throw new HarkInputException($"the backend registered for the managed engine on {options.Device} is not a {nameof(ManagedBackend)}", field: "device"));
    }

    /// <summary>Loads weights onto a new op backend that <paramref name="device"/> creates for <see cref="ManagedEngineOptions.Device"/>.</summary>
    /// <exception cref="HarkInputException">Bad weights or options (see the overload without a backend).</exception>
    public static ManagedEngine Load(WhisperConfig config, ITensorSource tensors, ManagedEngineOptions options, ManagedBackend device)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        if (options.Threads < 0) throw new HarkInputException($"threads must be 0 (all cores) or more, got {options.Threads}", field: "threads");
        if (options.Device.Kind != device.Device)
            throw new HarkInputException($"{device} cannot create a backend for {options.Device}", field: "device");
        var backend = device.CreateOpBackend(options.Device, options);
        try
        {
            return Load(config, tensors, options, backend);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads weights onto <paramref name="backend"/> (any <see cref="IOpBackend"/>: the seam for GPU backends). The engine
    /// owns and disposes the backend once loaded; if loading throws, the caller still owns it.
    /// </summary>
    public static ManagedEngine Load(WhisperConfig config, ITensorSource tensors, ManagedEngineOptions options, IOpBackend backend)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backend);
        if (config.DModel % config.EncoderAttentionHeads != 0 || config.DModel % config.DecoderAttentionHeads != 0)
            throw new HarkInputException($"d_model {config.DModel} is not divisible by the attention heads", field: "d_model");
        if (!string.Equals(config.ActivationFunction, "gelu", StringComparison.OrdinalIgnoreCase))
            throw new HarkInputException($"activation '{config.ActivationFunction}' is not supported; expected gelu", field: "activation_function");
        var precision = options.Precision == ComputePrecision.Default ? StoredPrecision(tensors) : options.Precision;
        var storage = TensorDTypeExtensions.ForPrecision(precision);
        var weights = LoadWeights(config, tensors, options, backend, storage, out var fromCache);
        if (backend is Cpu.CpuBackend cpu) cpu.Int8Attention = precision == ComputePrecision.Int8;
        return new ManagedEngine(config, backend, weights, precision) { WeightsFromCache = fromCache };
    }

    /// <summary>True when the weights were mapped from <see cref="ManagedEngineOptions.WeightCache"/> rather than packed.</summary>
    public bool WeightsFromCache { get; private init; }

    private static WhisperWeights LoadWeights(WhisperConfig config, ITensorSource tensors, ManagedEngineOptions options, IOpBackend backend,
        TensorDType storage, out bool fromCache)
    {
        fromCache = false;
        if (backend is not CpuBackend || options.WeightCache is not { } cache || options.CacheSource is not { } source)
            return WhisperWeights.Load(backend, tensors, config, storage, options.ConvertWeightsAtLoad);
        var stored = options.ConvertWeightsAtLoad ? TensorDType.Float32 : storage;
        var convert = options.ConvertWeightsAtLoad;
        var plan = () => WeightPlan.Of(store => WhisperWeights.Load(backend, tensors, config, storage, convert, store));
        var cached = CachedWeightStore.Open(cache, source, config, stored, storage, backend, plan);
        fromCache = cached.IsHit;
        try
        {
            return WhisperWeights.Load(backend, tensors, config, storage, convert, cached);
        }
        catch (InvalidDataException) when (fromCache)
        {
            // The entry passed its checks but lists other tensors than this load asks for: rebuild it from the source.
            fromCache = false;
            return WhisperWeights.Load(backend, tensors, config, storage, convert,
                CachedWeightStore.Open(cache, source, config, stored, storage, backend, plan, ignoreExisting: true));
        }
    }

    /// <inheritdoc />
    public IEncodedAudio Encode(ReadOnlySpan<float> mel, int batch, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var window = (long)Config.NumMelBins * Config.MelFrames;
        if (batch < 1 || mel.Length != batch * window)
            throw new ArgumentException($"mel holds {mel.Length} values; expected {batch} × {Config.NumMelBins} × {Config.MelFrames}", nameof(mel));
        var states = _backend.Allocate(batch * Config.MaxSourcePositions, Config.DModel);
        try
        {
            _encoder.Encode(mel, batch, states, cancellationToken);
            _backend.Synchronize();
            return new ManagedEncodedAudio(_backend, states, batch, Config.MaxSourcePositions, this);
        }
        catch
        {
            states.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public IDecoderSession StartDecoder(IEncodedAudio audio, ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (audio is not ManagedEncodedAudio encoded || !ReferenceEquals(encoded.Owner, this))
            throw new ArgumentException("the encoded audio comes from another engine", nameof(audio));
        // A one-off session: cross K/V of the distinct windows it attends to, owned by the session.
        var windows = new List<int>();
        var entries = new int[audioIndex.Length];
        for (var i = 0; i < audioIndex.Length; i++)
        {
            var w = audioIndex[i];
            if ((uint)w >= (uint)encoded.Batch) throw new ArgumentOutOfRangeException(nameof(audioIndex), w, $"window outside 0..{encoded.Batch - 1}");
            var e = windows.IndexOf(w);
            if (e < 0)
            {
                e = windows.Count;
                windows.Add(w);
            }
            entries[i] = e;
        }
        if (windows.Count == 0) throw new ArgumentException("a decoder session needs at least one sequence", nameof(audioIndex));
        var cross = new CrossAttentionCache(_backend, Config, _weights, encoded.States, windows);
        try
        {
            return new WhisperDecoderSession(_backend, Config, _weights, cross, ownsCross: true, entries, options, _pool);
        }
        catch
        {
            cross.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public IDecoderSessionFactory PrepareDecoder(IEncodedAudio audio)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (audio is not ManagedEncodedAudio encoded || !ReferenceEquals(encoded.Owner, this))
            throw new ArgumentException("the encoded audio comes from another engine", nameof(audio));
        return new ManagedDecoderFactory(_backend, Config, _weights, encoded, _pool);
    }

    /// <summary>FLOPs of one encoder window (multiply-add counted as 2).</summary>
    public static double EncoderFlopsPerWindow(WhisperConfig config) => WhisperEncoder.FlopsPerWindow(config);

    /// <summary>FLOPs of one decoder token at cache length <paramref name="cacheLength"/> (logits for that token included).</summary>
    public static double DecoderFlopsPerToken(WhisperConfig config, int cacheLength)
    {
        double d = config.DModel, f = config.DecoderFfnDim;
        var block = 2.0 * (6 * d * d + 2 * d * f) + 2.0 * 2 * d * (cacheLength + config.MaxSourcePositions);
        return config.DecoderLayers * block + 2.0 * d * config.VocabSize;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _pool.Dispose();
        _weights.Dispose();
        _backend.Dispose();
    }

    private static ComputePrecision StoredPrecision(ITensorSource tensors) =>
        tensors.Tensors.TryGetValue(WhisperTensorNames.TokenEmbedding, out var info)
            ? info.DType switch
            {
                DType.F16 => ComputePrecision.Float16,
                DType.BF16 => ComputePrecision.BFloat16,
                _ => ComputePrecision.Float32,
            }
            : ComputePrecision.Float32;
}

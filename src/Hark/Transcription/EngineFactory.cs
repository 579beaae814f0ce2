using Hark.Checkpoints;
using Hark.Engines;
using Hark.Engines.Onnx;

namespace Hark.Transcription;

/// <summary>Loads a model folder on one engine family.</summary>
public delegate IWhisperEngine EngineBuilder(string folder, ModelOptions options);

/// <summary>
/// The seam between <see cref="WhisperModel"/> and the engines: each engine family says how it loads a model folder.
/// New families add one line to the built-in table or call <see cref="Register"/>.
/// </summary>
public static class EngineFactory
{
    private static readonly Dictionary<EngineKind, EngineBuilder> Builders = new()
    {
        [EngineKind.Managed] = LoadManaged,
        [EngineKind.Onnx] = LoadOnnx,
    };

    /// <summary>Registers (or replaces) the builder of <paramref name="kind"/>.</summary>
    public static void Register(EngineKind kind, EngineBuilder builder)
    {
        lock (Builders) Builders[kind] = builder;
    }

    /// <summary>Whether an engine family is available in this build.</summary>
    public static bool IsAvailable(EngineKind kind)
    {
        lock (Builders) return Builders.ContainsKey(kind);
    }

    /// <summary>Loads the model in <paramref name="folder"/> on the engine named by <paramref name="options"/>.</summary>
    /// <exception cref="HarkInputException">That engine is not available, or the folder does not suit it.</exception>
    public static IWhisperEngine Create(string folder, ModelOptions options)
    {
        EngineBuilder? builder;
        lock (Builders) Builders.TryGetValue(options.Engine, out builder);
        if (builder is null)
            throw new HarkInputException($"engine '{options.Engine.ToString().ToLowerInvariant()}' is not available in this build", field: "engine");
        return builder(folder, options);
    }

    private static IWhisperEngine LoadManaged(string folder, ModelOptions options)
    {
        if (options.Device.Kind is not (DeviceKind.Cpu or DeviceKind.Vulkan))
            throw new HarkInputException($"the managed engine runs on cpu or vulkan[:N], not {options.Device}", field: "device");
        var checkpoint = WhisperCheckpoint.Open(folder);
        try
        {
            var cache = options.Device.Kind == DeviceKind.Cpu ? options.WeightCache : null;
            var engine = ManagedEngine.Load(checkpoint.Config, checkpoint.Tensors,
                new ManagedEngineOptions
                {
                    Precision = options.Precision, Threads = options.Threads, Device = options.Device,
                    WeightCache = cache, CacheSource = cache is null ? null : Engines.Cache.WeightCache.Fingerprint(folder),
                });
            return new OwningEngine(engine, checkpoint);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    private static IWhisperEngine LoadOnnx(string folder, ModelOptions options)
    {
        if (options.Precision != ComputePrecision.Default)
            throw new HarkInputException("an ONNX model computes in the precision it was exported with; leave the compute type at default",
                field: "compute-type");
        var device = options.Device.Kind switch
        {
            DeviceKind.Cpu => OnnxDevice.Cpu,
            DeviceKind.Cuda => OnnxDevice.Cuda,
            DeviceKind.Rocm => OnnxDevice.Rocm,
            _ => throw new HarkInputException($"the ONNX engine runs on cpu, cuda or rocm, not {options.Device}", field: "device"),
        };
        return OnnxEngine.Load(folder, new OnnxEngineOptions { Device = device, DeviceIndex = options.Device.Index, IntraOpThreads = options.Threads });
    }

    /// <summary>An engine that also owns what it was loaded from (the managed engine may read weights in place).</summary>
    private sealed class OwningEngine(IWhisperEngine inner, IDisposable owned) : IWhisperEngine
    {
        public WhisperConfig Config => inner.Config;
        public EngineDescription Description => inner.Description;
        public IEncodedAudio Encode(ReadOnlySpan<float> mel, int batch, CancellationToken cancellationToken = default) => inner.Encode(mel, batch, cancellationToken);
        public IDecoderSession StartDecoder(IEncodedAudio audio, ReadOnlySpan<int> audioIndex, DecoderSessionOptions? options = null)
            => inner.StartDecoder(audio, audioIndex, options);

        public void Dispose()
        {
            inner.Dispose();
            owned.Dispose();
        }
    }
}

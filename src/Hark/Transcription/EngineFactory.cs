using Hark.Checkpoints;
using Hark.Engines;

namespace Hark.Transcription;

/// <summary>Builds an engine for a checkpoint; one per <see cref="EngineKind"/>.</summary>
public delegate IWhisperEngine EngineBuilder(WhisperCheckpoint checkpoint, ModelOptions options);

/// <summary>
/// The seam between <see cref="WhisperModel"/> and the engines: each engine family registers how it loads a
/// checkpoint. The managed engine is built in; other families register themselves (one line in <see cref="Builtins"/>).
/// </summary>
public static class EngineFactory
{
    private static readonly Dictionary<EngineKind, EngineBuilder> Builders = Builtins();

    private static Dictionary<EngineKind, EngineBuilder> Builtins() => new()
    {
        [EngineKind.Managed] = (checkpoint, options) =>
        {
            if (options.Device.Kind != DeviceKind.Cpu)
                throw new HarkInputException($"the managed engine runs on the CPU only, not {options.Device}", field: "device");
            return ManagedEngine.Load(checkpoint.Config, checkpoint.Tensors,
                new ManagedEngineOptions { Precision = options.Precision, Threads = options.Threads });
        },
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

    /// <summary>Loads <paramref name="checkpoint"/> on the engine named by <paramref name="options"/>.</summary>
    /// <exception cref="HarkInputException">That engine is not available.</exception>
    public static IWhisperEngine Create(WhisperCheckpoint checkpoint, ModelOptions options)
    {
        EngineBuilder? builder;
        lock (Builders) Builders.TryGetValue(options.Engine, out builder);
        if (builder is null)
            throw new HarkInputException($"engine '{options.Engine.ToString().ToLowerInvariant()}' is not available in this build", field: "engine");
        return builder(checkpoint, options);
    }
}

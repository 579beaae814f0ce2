namespace Hark.Engines;

/// <summary>What to load a model folder on: the key into an <see cref="EngineRegistry"/> plus what every engine takes.</summary>
public sealed record EngineLoadOptions
{
    /// <summary>Engine family.</summary>
    public EngineKind Engine { get; init; } = EngineKind.Managed;

    /// <summary>Where it runs.</summary>
    public EngineDevice Device { get; init; } = EngineDevice.Cpu;

    /// <summary>Weight precision; <see cref="ComputePrecision.Default"/> follows what the folder stores.</summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Default;

    /// <summary>CPU threads; 0 lets the engine choose.</summary>
    public int Threads { get; init; }
}

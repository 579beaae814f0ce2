using Hark.Engines;
using Hark.Tokenization;

namespace Hark.Transcription;

/// <summary>How to load a model for transcription.</summary>
public sealed record ModelOptions
{
    /// <summary>Which engine runs the model (on <see cref="Device"/>, through <see cref="Engines"/>).</summary>
    public EngineKind Engine { get; init; } = EngineKind.Managed;

    /// <summary>Where it runs.</summary>
    public EngineDevice Device { get; init; } = EngineDevice.Cpu;

    /// <summary>Weight precision (<c>compute_type</c>).</summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Default;

    /// <summary>The backends to choose from; null for <see cref="EngineRegistry.Default"/>.</summary>
    public EngineRegistry? Engines { get; init; }

    /// <summary>CPU threads; 0 lets the engine choose.</summary>
    public int Threads { get; init; }

    /// <summary>Tokenizer loading (e.g. <see cref="TokenizerOptions.UseCanonicalMerges"/> for folders with the
    /// missing-merge defect); null for the defaults.</summary>
    public TokenizerOptions? Tokenizer { get; init; }

    /// <summary>Hub settings for model names; null reads them from the environment (<c>HF_HOME</c>, <c>HF_TOKEN</c>, …).</summary>
    public Hub.HubOptions? Hub { get; init; }
}

using Hark.Engines;

namespace Hark.Hardware;

/// <summary>How much an advice line matters.</summary>
public enum AdviceSeverity
{
    /// <summary>A fact worth knowing; nothing to do.</summary>
    Info,
    /// <summary>Something to do to run well.</summary>
    Recommend,
    /// <summary>Something set or chosen that is wrong or harmful.</summary>
    Warning,
}

/// <summary>One line of <c>hark doctor</c> advice and why.</summary>
/// <param name="Code">Stable identifier (<c>override.needless</c>) for scripts and tests.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Message">What to do or know.</param>
/// <param name="Reason">Why, in terms of what was detected.</param>
public sealed record AdviceLine(string Code, AdviceSeverity Severity, string Message, string Reason);

/// <summary>The engine and device <c>hark</c> should use on this machine.</summary>
/// <param name="Engine">Engine family (the managed engine also drives Vulkan GPUs).</param>
/// <param name="Device">Device to run on.</param>
/// <param name="DeviceName">The device as detected.</param>
/// <param name="AvailableBytes">Memory the memory model may plan with (free memory minus headroom).</param>
/// <param name="Threads">CPU threads to use (0 for GPU engines).</param>
/// <param name="Reason">Why this engine and device.</param>
public sealed record EngineRecommendation(EngineKind Engine, EngineDevice Device, string DeviceName, long AvailableBytes, int Threads, string Reason);

/// <summary>Compute type and batch size for one model size on the recommended device.</summary>
/// <param name="Model">Preset name (<c>large-v3</c>).</param>
/// <param name="Precision">Recommended compute type.</param>
/// <param name="BatchSize">Recommended batch size (0 when the model does not fit).</param>
/// <param name="MaxBatch">Largest batch the memory model fits.</param>
/// <param name="WeightBytes">Weights at <paramref name="Precision"/>.</param>
/// <param name="EstimateBytes">Estimated peak at the recommended batch (batch 1 when nothing fits).</param>
/// <param name="Reason">Why this compute type and batch.</param>
public sealed record ModelRecommendation(string Model, ComputePrecision Precision, int BatchSize, int MaxBatch, long WeightBytes, long EstimateBytes, string Reason)
{
    /// <summary>Whether the model fits at all.</summary>
    public bool Fits => MaxBatch > 0;
}

/// <summary>What <c>hark doctor</c> reports: the machine, then advice computed from it.</summary>
/// <param name="Machine">What was detected.</param>
/// <param name="Engine">Engine and device to use.</param>
/// <param name="Models">Compute type and batch size per model size.</param>
/// <param name="Advice">Every advice line with its reason, warnings first.</param>
public sealed record DoctorReport(MachineReport Machine, EngineRecommendation Engine, IReadOnlyList<ModelRecommendation> Models, IReadOnlyList<AdviceLine> Advice);

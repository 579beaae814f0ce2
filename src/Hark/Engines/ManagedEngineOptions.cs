namespace Hark.Engines;

/// <summary>Options of <see cref="ManagedEngine"/>.</summary>
public sealed record ManagedEngineOptions
{
    /// <summary>Weight precision; <see cref="ComputePrecision.Default"/> follows what the checkpoint stores. Arithmetic is float32.</summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Default;

    /// <summary>
    /// Where the ops run: <see cref="EngineDevice.Cpu"/> (default) or <c>vulkan:N</c> (<see cref="DeviceKind.Vulkan"/>,
    /// through <see cref="Vulkan.VulkanBackend"/>). Other kinds are served by other engines.
    /// </summary>
    public EngineDevice Device { get; init; } = EngineDevice.Cpu;

    /// <summary>Compute threads of the CPU backend; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// For fp16/bf16: round the weights to that precision but store them as float32, so the GEMM runs the plain fp32
    /// kernel (twice the memory, no per-element conversion). Default false: keep 2-byte weights and widen them in the
    /// kernel's registers.
    /// </summary>
    public bool ConvertWeightsAtLoad { get; init; }
}

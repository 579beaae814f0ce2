namespace Hark.Engines;

/// <summary>Options of <see cref="ManagedEngine"/>.</summary>
public sealed record ManagedEngineOptions
{
    /// <summary>
    /// Weight precision; <see cref="ComputePrecision.Default"/> follows what the checkpoint stores. Arithmetic is float32,
    /// except float16 weights on a GPU with shader float16 (see <see cref="HalfArithmetic"/>).
    /// </summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Default;

    /// <summary>
    /// Where the ops run: <see cref="EngineDevice.Cpu"/> (default) or <c>vulkan:N</c> (<see cref="DeviceKind.Vulkan"/>,
    /// through <see cref="Vulkan.VulkanBackend"/>). Other kinds are served by other engines.
    /// </summary>
    public EngineDevice Device { get; init; } = EngineDevice.Cpu;

    /// <summary>Compute threads of the CPU backend; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// How the CPU multiplies int8 weights: <see cref="Cpu.Int8Kernel.Auto"/> (default) picks the integer kernel the
    /// CPU's features allow; <see cref="Cpu.Int8Kernel.Float32Reference"/> keeps the widening float32 path.
    /// </summary>
    public Cpu.Int8Kernel Int8Kernel { get; init; }

    /// <summary>
    /// How the CPU multiplies bfloat16 weights: <see cref="Cpu.BFloat16Kernel.Auto"/> (default) uses VDPBF16PS where
    /// the CPU has it; <see cref="Cpu.BFloat16Kernel.Float32Widened"/> keeps the widening float32 path.
    /// </summary>
    public Cpu.BFloat16Kernel BFloat16Kernel { get; init; }

    /// <summary>
    /// For fp16/bf16: round the weights to that precision but store them as float32, so the GEMM runs the plain fp32
    /// kernel (twice the memory, no per-element conversion). Default false: keep 2-byte weights and widen them in the
    /// kernel's registers.
    /// </summary>
    public bool ConvertWeightsAtLoad { get; init; }

    /// <summary>
    /// On <c>vulkan:N</c> with float16 weights: multiply in float16 in the tiled GEMM (see
    /// <see cref="Vulkan.VulkanBackendOptions.HalfArithmetic"/>). Null: where the device supports it. The CPU ignores it.
    /// </summary>
    public bool? HalfArithmetic { get; init; }

    /// <summary>
    /// Packed-weight cache of the CPU backend: with a <see cref="CacheSource"/>, a load maps the weights packed by an
    /// earlier load of the same source at the same precision, or packs them and stores them for the next. Null (the
    /// default) packs on every load. Other backends ignore it.
    /// </summary>
    public Cache.WeightCache? WeightCache { get; init; }

    /// <summary>
    /// What the tensors were read from, whose content fingerprint keys <see cref="WeightCache"/> entries
    /// (<see cref="Cache.WeightCache.Fingerprint"/> of the model folder). Without it the cache is not used.
    /// </summary>
    public Cache.WeightSource? CacheSource { get; init; }
}

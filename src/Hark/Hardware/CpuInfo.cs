namespace Hark.Hardware;

/// <summary>Instruction-set extensions that matter to Hark's CPU kernels.</summary>
[Flags]
public enum CpuFeatures
{
    /// <summary>None of the below.</summary>
    None = 0,
    /// <summary>256-bit integer and float SIMD.</summary>
    Avx2 = 1 << 0,
    /// <summary>Fused multiply-add.</summary>
    Fma = 1 << 1,
    /// <summary>16-bit float conversion instructions (F16C).</summary>
    F16c = 1 << 2,
    /// <summary>AVX-512 foundation.</summary>
    Avx512F = 1 << 3,
    /// <summary>AVX-512 byte/word instructions.</summary>
    Avx512BW = 1 << 4,
    /// <summary>AVX-512 vector neural network instructions (int8 dot products).</summary>
    Avx512Vnni = 1 << 5,
    /// <summary>VEX-encoded VNNI (int8 dot products on 256-bit registers).</summary>
    AvxVnni = 1 << 6,
    /// <summary>AVX-512 bfloat16 dot products.</summary>
    Avx512Bf16 = 1 << 7,
    /// <summary>AVX-512 half-precision arithmetic.</summary>
    Avx512Fp16 = 1 << 8,
    /// <summary>Advanced Matrix Extensions with int8 tiles.</summary>
    AmxInt8 = 1 << 9,
    /// <summary>Advanced Matrix Extensions with bfloat16 tiles.</summary>
    AmxBf16 = 1 << 10,
    /// <summary>Arm NEON (Advanced SIMD).</summary>
    Neon = 1 << 11,
    /// <summary>Arm int8 dot product (SDOT/UDOT).</summary>
    ArmDotProd = 1 << 12,
}

/// <summary>The host CPU.</summary>
/// <param name="Vendor">Vendor string (<c>AuthenticAMD</c>, <c>GenuineIntel</c>, …), or <c>unknown</c>.</param>
/// <param name="Model">Marketing name, or <c>unknown</c>.</param>
/// <param name="LogicalCores">Hardware threads the OS schedules on.</param>
/// <param name="PhysicalCores">Cores, when the OS tells (hyper-threads counted once).</param>
/// <param name="Features">Extensions present.</param>
public sealed record CpuInfo(string Vendor, string Model, int LogicalCores, int? PhysicalCores, CpuFeatures Features)
{
    /// <summary>Whether the CPU has int8 dot-product instructions (VNNI on x86, DOTPROD on Arm).</summary>
    public bool HasInt8DotProduct => (Features & (CpuFeatures.Avx512Vnni | CpuFeatures.AvxVnni | CpuFeatures.AmxInt8 | CpuFeatures.ArmDotProd)) != 0;

    /// <summary>Feature names in the spelling of <c>/proc/cpuinfo</c>, for reports.</summary>
    public IReadOnlyList<string> FeatureNames => CpuProbe.FlagNames
        .Where(kv => (Features & kv.Value) != 0)
        .Select(kv => kv.Key)
        .ToList();
}

/// <summary>Host memory from <c>/proc/meminfo</c>.</summary>
/// <param name="TotalBytes">Installed memory the OS sees.</param>
/// <param name="AvailableBytes">Memory a new allocation can get without swapping (<c>MemAvailable</c>).</param>
public sealed record HostMemory(long TotalBytes, long AvailableBytes);

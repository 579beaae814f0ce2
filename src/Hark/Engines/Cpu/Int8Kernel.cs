namespace Hark.Engines.Cpu;

/// <summary>
/// How the CPU backend multiplies int8 weights. The integer kernels quantise each activation row to int8 on the fly
/// (symmetric, one scale per row) and accumulate exact int32 dot products; the float32 reference widens the weights
/// instead and keeps activations in float32.
/// </summary>
/// <remarks>
/// .NET 10 exposes VPDPBUSD only in its 128/256-bit AVX-VNNI form (<c>System.Runtime.Intrinsics.X86.AvxVnni</c>);
/// there is no 512-bit AVX512-VNNI class. <see cref="Avx512Vnni"/> therefore runs a hand-written native micro-kernel
/// (<c>Engines/Cpu/Native</c>) for the 512-bit form.
/// </remarks>
public enum Int8Kernel
{
    /// <summary>
    /// The fastest integer kernel this CPU runs (<see cref="Avx512Vnni"/>, else <see cref="AvxVnni"/>, else
    /// <see cref="Avx2"/>, else <see cref="Float32Reference"/>).
    /// </summary>
    Auto,

    /// <summary>VPDPBUSD (unsigned×signed bytes, int32 accumulation) with a +128 activation zero point and a per-row weight-sum correction.</summary>
    AvxVnni,

    /// <summary>VPMADDWD on sign-extended 16-bit values (no saturation, unlike VPMADDUBSW) for CPUs without VNNI.</summary>
    Avx2,

    /// <summary>Widen int8 weights to float32 and multiply in float32: the reference, and what other CPUs run.</summary>
    Float32Reference,

    /// <summary>
    /// 512-bit VPDPBUSD (AVX512-VNNI) in a native 6-row × 64-output micro-kernel, twice the products per instruction of
    /// <see cref="AvxVnni"/>, which covers the edge tiles and single rows; same bytes, same exact int32 sums.
    /// x86-64 Linux.
    /// </summary>
    Avx512Vnni,
}

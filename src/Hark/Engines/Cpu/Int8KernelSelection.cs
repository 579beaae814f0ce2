using System.Runtime.Intrinsics.X86;

namespace Hark.Engines.Cpu;

/// <summary>Picks the int8 kernel from the CPU's features, once, when a backend starts.</summary>
public static class Int8KernelSelection
{
    /// <summary>Whether this CPU (and .NET) runs <paramref name="kernel"/>.</summary>
    public static bool IsSupported(Int8Kernel kernel) => kernel switch
    {
        Int8Kernel.Auto or Int8Kernel.Float32Reference => true,
        Int8Kernel.AvxVnni => AvxVnni.IsSupported,
        // The native kernel leaves edges and single rows to the AVX-VNNI one.
        Int8Kernel.Avx512Vnni => AvxVnni.IsSupported && Native.NativeKernels.Int8Missing == null,
        Int8Kernel.Avx2 => Avx2.IsSupported,
        _ => false,
    };

    /// <summary>The kernel <paramref name="requested"/> means on this CPU: <see cref="Int8Kernel.Auto"/> resolved.</summary>
    /// <exception cref="HarkInputException">A specific kernel was asked for and this CPU lacks its instructions.</exception>
    public static Int8Kernel Resolve(Int8Kernel requested)
    {
        if (requested == Int8Kernel.Auto)
            return IsSupported(Int8Kernel.Avx512Vnni) ? Int8Kernel.Avx512Vnni
                : AvxVnni.IsSupported ? Int8Kernel.AvxVnni
                : Avx2.IsSupported ? Int8Kernel.Avx2
                : Int8Kernel.Float32Reference;
        if (!Enum.IsDefined(requested)) throw new HarkInputException($"unknown int8 kernel {(int)requested}", field: "int8-kernel");
        return IsSupported(requested)
            ? requested
            : throw new HarkInputException($"int8 kernel {requested} needs instructions this CPU lacks; expected auto, float32-reference or one of its features", field: "int8-kernel");
    }

    /// <summary>
    /// What multiplies weights of <paramref name="precision"/> on this CPU, e.g. <c>int8: avx-vnni VPDPBUSD ymm
    /// int8×int8, int32 sums</c>: the line <c>hark doctor</c> prints per compute type.
    /// </summary>
    public static string Describe(ComputePrecision precision)
    {
        var fp32 = GemmKernels.Path switch
        {
            KernelPath.Avx512 => "avx512 fp32 FMA",
            KernelPath.Avx2 => "avx2 fp32 FMA",
            _ => "scalar fp32",
        };
        return precision switch
        {
            ComputePrecision.Int8 => Resolve(Int8Kernel.Auto) switch
            {
                Int8Kernel.Avx512Vnni => "avx512-vnni VPDPBUSD zmm int8×int8 (native), int32 sums",
                Int8Kernel.AvxVnni => $"avx-vnni VPDPBUSD ymm int8×int8, int32 sums{Unused(Native.NativeKernels.Int8Missing)}",
                Int8Kernel.Avx2 => "avx2 VPMADDWD int8×int8 (16-bit), int32 sums",
                _ => $"{fp32} on int8 weights widened to float32",
            },
            ComputePrecision.BFloat16 => BFloat16KernelSelection.Resolve(BFloat16Kernel.Auto) == BFloat16Kernel.Avx512Bf16
                ? $"avx512-bf16 VDPBF16PS zmm (native, bf16 activations) for {BFloat16Gemm.MinRows}+ rows, else {fp32} on widened bf16"
                : $"{fp32} on bf16 weights widened to float32{Unused(Native.NativeKernels.BFloat16Missing)}",
            ComputePrecision.Float16 => $"{fp32} on fp16 weights widened to float32",
            ComputePrecision.Int4 => "not supported by the managed engine",
            _ => fp32,
        };
    }

    /// <summary>Why the faster native kernel is not used, as a suffix.</summary>
    internal static string Unused(string? missing) => missing == null ? "" : $" (no native kernel: {missing})";
}

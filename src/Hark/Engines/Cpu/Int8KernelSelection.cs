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
        Int8Kernel.Avx2 => Avx2.IsSupported,
        _ => false,
    };

    /// <summary>The kernel <paramref name="requested"/> means on this CPU: <see cref="Int8Kernel.Auto"/> resolved.</summary>
    /// <exception cref="HarkInputException">A specific kernel was asked for and this CPU lacks its instructions.</exception>
    public static Int8Kernel Resolve(Int8Kernel requested)
    {
        if (requested == Int8Kernel.Auto)
            return AvxVnni.IsSupported ? Int8Kernel.AvxVnni : Avx2.IsSupported ? Int8Kernel.Avx2 : Int8Kernel.Float32Reference;
        if (!Enum.IsDefined(requested)) throw new HarkInputException($"unknown int8 kernel {(int)requested}", field: "int8-kernel");
        return IsSupported(requested)
            ? requested
            : throw new HarkInputException($"int8 kernel {requested} needs instructions this CPU lacks; expected auto, float32-reference or one of its features", field: "int8-kernel");
    }

    /// <summary>
    /// What multiplies weights of <paramref name="precision"/> on this CPU, e.g. <c>int8: avx-vnni VPDPBUSD, int32
    /// accumulation</c>: the line <c>hark doctor</c> prints per compute type.
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
                Int8Kernel.AvxVnni => "avx-vnni VPDPBUSD int8×int8, int32 accumulation",
                Int8Kernel.Avx2 => "avx2 VPMADDWD int8×int8 (16-bit), int32 accumulation",
                _ => $"{fp32} on int8 weights widened to float32",
            },
            // .NET 10 has no intrinsic for VDPBF16PS (no Avx512Bf16 class), so bf16 weights are widened.
            ComputePrecision.BFloat16 => $"{fp32} on bf16 weights widened to float32",
            ComputePrecision.Float16 => $"{fp32} on fp16 weights widened to float32",
            ComputePrecision.Int4 => "not supported by the managed engine",
            _ => fp32,
        };
    }
}

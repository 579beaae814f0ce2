namespace Hark.Engines.Cpu;

/// <summary>How the CPU backend multiplies bfloat16 weights.</summary>
public enum BFloat16Kernel
{
    /// <summary><see cref="Avx512Bf16"/> where the CPU has it, else <see cref="Float32Widened"/>.</summary>
    Auto,

    /// <summary>
    /// VDPBF16PS (AVX512-BF16) in a native 6-row × 64-output micro-kernel: activation rows rounded to bfloat16 (to
    /// nearest even), products summed in float32, for ops of at least <see cref="BFloat16Gemm.MinRows"/> rows (encoder
    /// windows, the conv stem, alignment passes, wide batched steps); smaller decoder steps keep widening. x86-64 Linux.
    /// </summary>
    Avx512Bf16,

    /// <summary>Widen bf16 weights to float32 in registers and multiply float32 activations: the reference.</summary>
    Float32Widened,
}

/// <summary>Picks the bfloat16 kernel from the CPU's features.</summary>
public static class BFloat16KernelSelection
{
    /// <summary>Whether this CPU runs <paramref name="kernel"/>.</summary>
    public static bool IsSupported(BFloat16Kernel kernel) => kernel switch
    {
        BFloat16Kernel.Auto or BFloat16Kernel.Float32Widened => true,
        BFloat16Kernel.Avx512Bf16 => Native.NativeKernels.BFloat16Missing == null,
        _ => false,
    };

    /// <summary>The kernel <paramref name="requested"/> means on this CPU: <see cref="BFloat16Kernel.Auto"/> resolved.</summary>
    /// <exception cref="HarkInputException">A specific kernel was asked for and this CPU lacks its instructions.</exception>
    public static BFloat16Kernel Resolve(BFloat16Kernel requested)
    {
        if (requested == BFloat16Kernel.Auto)
            return IsSupported(BFloat16Kernel.Avx512Bf16) ? BFloat16Kernel.Avx512Bf16 : BFloat16Kernel.Float32Widened;
        if (!Enum.IsDefined(requested)) throw new HarkInputException($"unknown bfloat16 kernel {(int)requested}", field: "bf16-kernel");
        return IsSupported(requested)
            ? requested
            : throw new HarkInputException($"bfloat16 kernel {requested} cannot run here ({Native.NativeKernels.BFloat16Missing}); expected auto or float32-widened", field: "bf16-kernel");
    }
}

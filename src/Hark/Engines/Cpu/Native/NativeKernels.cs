using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Hark.Engines.Cpu.Native;

/// <summary>
/// The AVX-512 micro-kernels .NET 10 has no intrinsics for (512-bit VPDPBUSD, VDPBF16PS): hand-written assembly
/// (<c>*.s</c> beside this file) committed as machine code (<c>*.bin</c>, embedded), so the build needs no assembler.
/// The code is copied into one page that is then made executable, once, on x86-64 Linux where the CPU reports the
/// feature and the runtime has AVX-512 enabled; anywhere else, or if the system refuses executable memory, the
/// managed kernels run and <see cref="Int8Missing"/>/<see cref="BFloat16Missing"/> say why.
/// </summary>
/// <remarks>
/// The kernels are leaf functions of a few hundred nanoseconds that touch only the memory they are given, so they are
/// called without a GC transition (<c>SuppressGCTransition</c>), like an intrinsic.
/// </remarks>
internal static unsafe class NativeKernels
{
    /// <summary>Rows of one micro-kernel call.</summary>
    public const int Rows = 6;

    /// <summary>Outputs of one call: two 32-wide panels.</summary>
    public const int Columns = 2 * PackedWeight.PanelWidth;

    private static readonly Lazy<Loaded> State = new(Load);

    /// <summary>
    /// <c>(a, lda, b, panelStep, quads, out)</c>: <see cref="Rows"/>×<see cref="Columns"/> int32 sums of unsigned
    /// activation bytes and signed k-quad-major weight panels (see <c>vnni_u8s8_6x64.s</c>); null where unavailable.
    /// </summary>
    public static delegate* unmanaged[SuppressGCTransition]<byte*, nint, byte*, nint, nint, int*, void> Int8 => State.Value.Int8;

    /// <summary>
    /// <c>(a, lda, b, panelStep, pairs, out)</c>: <see cref="Rows"/>×<see cref="Columns"/> float32 sums of bfloat16
    /// activation pairs and k-major bfloat16 panels, lanes in unpack order (see <c>bf16_6x64.s</c>); null where
    /// unavailable.
    /// </summary>
    public static delegate* unmanaged[SuppressGCTransition]<byte*, nint, byte*, nint, nint, float*, void> BFloat16 => State.Value.BFloat16;

    /// <summary>Why the 512-bit VPDPBUSD kernel is not available here, or null when it is.</summary>
    public static string? Int8Missing => State.Value.Int8Missing;

    /// <summary>Why the VDPBF16PS kernel is not available here, or null when it is.</summary>
    public static string? BFloat16Missing => State.Value.BFloat16Missing;

    private sealed class Loaded(byte* int8, byte* bfloat16, string? int8Missing, string? bfloat16Missing)
    {
        public readonly delegate* unmanaged[SuppressGCTransition]<byte*, nint, byte*, nint, nint, int*, void> Int8 =
            (delegate* unmanaged[SuppressGCTransition]<byte*, nint, byte*, nint, nint, int*, void>)int8;

        public readonly delegate* unmanaged[SuppressGCTransition]<byte*, nint, byte*, nint, nint, float*, void> BFloat16 =
            (delegate* unmanaged[SuppressGCTransition]<byte*, nint, byte*, nint, nint, float*, void>)bfloat16;

        public readonly string? Int8Missing = int8Missing;
        public readonly string? BFloat16Missing = bfloat16Missing;
    }

    private static Loaded Load()
    {
        var platform = Platform();
        var int8Missing = platform ?? (HasAvx512Vnni() ? null : "this CPU has no AVX512-VNNI");
        var bf16Missing = platform ?? (HasAvx512Bf16() ? null : "this CPU has no AVX512-BF16");
        if (int8Missing != null && bf16Missing != null) return new Loaded(null, null, int8Missing, bf16Missing);
        var int8Code = Resource("vnni_u8s8_6x64");
        var bf16Code = Resource("bf16_6x64");
        var bf16Offset = (int8Code.Length + 63) & ~63;
        var code = new byte[bf16Offset + bf16Code.Length];
        int8Code.CopyTo(code, 0);
        bf16Code.CopyTo(code, bf16Offset);
        var page = ExecutableMemory.Map(code, out var refused);
        if (page == null)
            return new Loaded(null, null, int8Missing ?? refused, bf16Missing ?? refused);
        return new Loaded(int8Missing == null ? page : null, bf16Missing == null ? page + bf16Offset : null, int8Missing, bf16Missing);
    }

    /// <summary>Null where the System V x86-64 kernels can run with AVX-512 registers, else why not.</summary>
    private static string? Platform()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return "not an x86-64 process";
        // The kernels follow the System V calling convention and map memory with mmap: Linux only for now.
        if (!OperatingSystem.IsLinux()) return "native kernels run on Linux only";
        // The runtime's own check covers the OS saving zmm state and DOTNET_EnableAVX512=0.
        if (!Avx512F.IsSupported || !Avx512BW.IsSupported) return "AVX-512 (F, BW) is not enabled in this process";
        return null;
    }

    /// <summary>CPUID leaf 7: ECX bit 11.</summary>
    private static bool HasAvx512Vnni() => (X86Base.CpuId(7, 0).Ecx & (1 << 11)) != 0;

    /// <summary>CPUID leaf 7 sub-leaf 1: EAX bit 5.</summary>
    private static bool HasAvx512Bf16() => X86Base.CpuId(7, 0).Eax >= 1 && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;

    /// <summary>The machine code of kernel <paramref name="name"/>, embedded at build time.</summary>
    internal static byte[] Resource(string name)
    {
        using var stream = typeof(NativeKernels).Assembly.GetManifestResourceStream($"Hark.Native.{name}.bin")
            ?? throw new InvalidOperationException($"the library lacks its embedded kernel Hark.Native.{name}.bin");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}

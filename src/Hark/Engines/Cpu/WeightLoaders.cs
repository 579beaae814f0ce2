using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hark.Engines.Cpu;

/// <summary>
/// Widens packed weight elements to float32 inside the GEMM kernel. The kernel is generic over a struct loader, so
/// the JIT compiles one specialised kernel per storage type (weights are converted on the fly, in registers).
/// </summary>
internal unsafe interface IWeightLoader
{
    /// <summary>Bytes per element.</summary>
    static abstract int ElementSize { get; }

    /// <summary>16 elements at <paramref name="p"/> (AVX-512 path).</summary>
    static abstract Vector512<float> Load512(byte* p);

    /// <summary>8 elements at <paramref name="p"/> (AVX2 path).</summary>
    static abstract Vector256<float> Load256(byte* p);

    /// <summary>One element.</summary>
    static abstract float LoadScalar(byte* p);
}

internal readonly unsafe struct Float32Loader : IWeightLoader
{
    public static int ElementSize => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(byte* p) => Vector512.Load((float*)p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(byte* p) => Vector256.Load((float*)p);

    public static float LoadScalar(byte* p) => *(float*)p;
}

/// <summary>
/// IEEE half → float by bit manipulation (.NET exposes no vcvtph2ps): shift the exponent and mantissa into place
/// and multiply by 2^112 to re-bias, which also handles subnormals exactly. Inf/NaN are rejected at load.
/// </summary>
internal readonly unsafe struct Float16Loader : IWeightLoader
{
    private const float Rebias = 5.192296858534828e33f; // 2^112
    private const int SignAndMagnitude = unchecked((int)0x8FFFE000); // f32 sign bit + the half's bits 14..0 after << 13

    public static int ElementSize => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(byte* p)
    {
        // Sign-extend, shift exponent+mantissa into place, keep the sign bit and those 15 bits: the signed multiply
        // by 2^112 then re-biases (subnormals included) and carries the sign, in four instructions.
        var s = Avx512F.ConvertToVector512Int32(Vector256.Load((short*)p)) << 13;
        return (s & Vector512.Create(SignAndMagnitude)).AsSingle() * Vector512.Create(Rebias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(byte* p)
    {
        var s = Avx2.ConvertToVector256Int32(Vector128.Load((short*)p)) << 13;
        return (s & Vector256.Create(SignAndMagnitude)).AsSingle() * Vector256.Create(Rebias);
    }

    public static float LoadScalar(byte* p) => (float)*(Half*)p;
}

internal readonly unsafe struct BFloat16Loader : IWeightLoader
{
    public static int ElementSize => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(byte* p) =>
        (Avx512F.ConvertToVector512UInt32(Vector256.Load((ushort*)p)) << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(byte* p) =>
        (Avx2.ConvertToVector256Int32(Vector128.Load((ushort*)p)) << 16).AsSingle();

    public static float LoadScalar(byte* p) => BitConverter.Int32BitsToSingle(*(ushort*)p << 16);
}

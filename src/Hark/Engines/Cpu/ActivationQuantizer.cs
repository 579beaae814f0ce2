using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hark.Engines.Cpu;

/// <summary>
/// Quantises one activation row to int8 for the integer GEMM: symmetric, <c>scale = max|x| / 127</c>,
/// <c>q = round(x / scale)</c> in [−127, 127], so each element is off by at most <c>scale / 2</c>. The row is padded
/// with zeros to a whole number of k-quads.
/// </summary>
internal static unsafe class ActivationQuantizer
{
    /// <summary>Writes <c>q + 128</c> as unsigned bytes (VPDPBUSD's unsigned operand) and returns the row's scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ToUnsignedBytes(float* x, int k, int paddedK, byte* destination)
    {
        var (scale, inverse) = Scale(x, k);
        var i = 0;
        var bias = Vector256.Create((byte)0x80);
        for (; i + 32 <= k; i += 32)
        {
            var lo = Vector256.Narrow(Quantize(x + i, inverse), Quantize(x + i + 8, inverse));
            var hi = Vector256.Narrow(Quantize(x + i + 16, inverse), Quantize(x + i + 24, inverse));
            (Vector256.Narrow(lo, hi).AsByte() ^ bias).Store(destination + i);
        }
        for (; i < k; i++) destination[i] = (byte)(QuantizeScalar(x[i], inverse) + 128);
        for (; i < paddedK; i++) destination[i] = 128;
        return scale;
    }

    /// <summary>Writes <c>q</c> as signed bytes, zero padded, and returns the row's scale (int8 attention's keys).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ToSignedBytes(float* x, int k, int paddedK, sbyte* destination)
    {
        var (scale, inverse) = Scale(x, k);
        var i = 0;
        for (; i + 32 <= k; i += 32)
        {
            var lo = Vector256.Narrow(Quantize(x + i, inverse), Quantize(x + i + 8, inverse));
            var hi = Vector256.Narrow(Quantize(x + i + 16, inverse), Quantize(x + i + 24, inverse));
            Vector256.Narrow(lo, hi).Store(destination + i);
        }
        for (; i < k; i++) destination[i] = (sbyte)QuantizeScalar(x[i], inverse);
        for (; i < paddedK; i++) destination[i] = 0;
        return scale;
    }

    /// <summary>Writes <c>q</c> as 16-bit integers (VPMADDWD's operands) and returns the row's scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ToInt16(float* x, int k, int paddedK, short* destination)
    {
        var (scale, inverse) = Scale(x, k);
        var i = 0;
        for (; i + 16 <= k; i += 16)
            Vector256.Narrow(Quantize(x + i, inverse), Quantize(x + i + 8, inverse)).Store(destination + i);
        for (; i < k; i++) destination[i] = (short)QuantizeScalar(x[i], inverse);
        for (; i < paddedK; i++) destination[i] = 0;
        return scale;
    }

    private static (float Scale, float Inverse) Scale(float* x, int k)
    {
        var max = MaxAbs(x, k);
        return max > 0 ? (max / 127f, 127f / max) : (0f, 0f);
    }

    /// <summary>
    /// max |x|: four independent vmaxps chains (TensorPrimitives.MaxMagnitude's NaN and sign handling cost as much as
    /// the quantisation itself). A NaN row yields garbage, as float32 arithmetic would.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float MaxAbs(float* x, int k)
    {
        var i = 0;
        var m0 = Vector256<float>.Zero;
        var m1 = m0;
        var m2 = m0;
        var m3 = m0;
        for (; i + 32 <= k; i += 32)
        {
            m0 = Vector256.MaxNative(m0, Vector256.Abs(Vector256.Load(x + i)));
            m1 = Vector256.MaxNative(m1, Vector256.Abs(Vector256.Load(x + i + 8)));
            m2 = Vector256.MaxNative(m2, Vector256.Abs(Vector256.Load(x + i + 16)));
            m3 = Vector256.MaxNative(m3, Vector256.Abs(Vector256.Load(x + i + 24)));
        }
        for (; i + 8 <= k; i += 8) m0 = Vector256.MaxNative(m0, Vector256.Abs(Vector256.Load(x + i)));
        var max = Vector256.MaxNative(Vector256.MaxNative(m0, m1), Vector256.MaxNative(m2, m3));
        var result = 0f;
        for (var j = 0; j < 8; j++) result = MathF.Max(result, max.GetElement(j));
        for (; i < k; i++) result = MathF.Max(result, MathF.Abs(x[i]));
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Quantize(float* x, float inverse)
    {
        // Round to nearest even, then clamp: x·(127/max) can exceed 127 by a rounding error.
        var q = Vector256.ConvertToInt32Native(Vector256.Round(Vector256.Load(x) * inverse));
        return Vector256.ClampNative(q, Vector256.Create(-127), Vector256.Create(127));
    }

    private static int QuantizeScalar(float x, float inverse) => Math.Clamp((int)MathF.Round(x * inverse), -127, 127);
}

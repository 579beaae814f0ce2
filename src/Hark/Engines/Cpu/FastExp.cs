using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hark.Engines.Cpu;

/// <summary>
/// Vectorised e^x (Cephes: round to n·ln2, degree-6 polynomial on the remainder, scale by 2ⁿ through the exponent
/// bits; ≤ 2 ulp on [−87, 88], inputs clamped there). The runtime's Vector512.Exp and TensorPrimitives.Exp fall back to
/// per-element code on this runtime (≈ 25 ns per value), which made softmax the decoder's bottleneck.
/// </summary>
internal static class FastExp
{
    private const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float Min = -87.3f, Max = 88.7f;
    private const float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f, P3 = 4.1665795894E-2f, P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(Min)), Vector512.Create(Max));
        var n = Vector512.Floor(x * Log2E + Vector512.Create(0.5f));
        var r = x - n * Ln2Hi - n * Ln2Lo;
        var p = Vector512.Create(P0);
        p = p * r + Vector512.Create(P1);
        p = p * r + Vector512.Create(P2);
        p = p * r + Vector512.Create(P3);
        p = p * r + Vector512.Create(P4);
        p = p * r + Vector512.Create(P5);
        var e = p * (r * r) + r + Vector512<float>.One;
        var scale = ((Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23).AsSingle();
        return e * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Min)), Vector256.Create(Max));
        var n = Vector256.Floor(x * Log2E + Vector256.Create(0.5f));
        var r = x - n * Ln2Hi - n * Ln2Lo;
        var p = Vector256.Create(P0);
        p = p * r + Vector256.Create(P1);
        p = p * r + Vector256.Create(P2);
        p = p * r + Vector256.Create(P3);
        p = p * r + Vector256.Create(P4);
        p = p * r + Vector256.Create(P5);
        var e = p * (r * r) + r + Vector256<float>.One;
        var scale = ((Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23).AsSingle();
        return e * scale;
    }

    /// <summary>Scalar form of the same formula, for tails (so a value's result does not depend on its position).</summary>
    public static float Exp(float x)
    {
        x = Math.Clamp(x, Min, Max);
        var n = MathF.Floor(x * Log2E + 0.5f);
        var r = x - n * Ln2Hi - n * Ln2Lo;
        var p = P0;
        p = p * r + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        var e = p * (r * r) + r + 1f;
        return e * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }
}

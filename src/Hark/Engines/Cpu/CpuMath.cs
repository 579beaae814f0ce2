using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hark.Engines.Cpu;

/// <summary>Scalar and row helpers shared by the CPU ops.</summary>
internal static class CpuMath
{
    /// <summary>Dot product of <paramref name="n"/> floats; fixed order for a given ISA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe float Dot(float* a, float* b, int n)
    {
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), acc);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(a[i], b[i], sum);
        return sum;
    }

    /// <summary>Dot product of floats with halves (compact key cache).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe float Dot(float* a, Half* b, int n)
    {
        var i = 0;
        var sum = 0f;
        if (Avx512F.IsSupported && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Float16Loader.Load512((byte*)(b + i)), acc);
            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Float16Loader.Load256((byte*)(b + i)), acc);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(a[i], (float)b[i], sum);
        return sum;
    }

    /// <summary><c>y += alpha · x</c> with halves (compact value cache).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Axpy(float alpha, Half* x, float* y, int n)
    {
        var i = 0;
        if (Avx512F.IsSupported)
        {
            var a = Vector512.Create(alpha);
            for (; i + 16 <= n; i += 16) Vector512.FusedMultiplyAdd(a, Float16Loader.Load512((byte*)(x + i)), Vector512.Load(y + i)).Store(y + i);
        }
        if (Avx2.IsSupported)
        {
            var a = Vector256.Create(alpha);
            for (; i + 8 <= n; i += 8) Vector256.FusedMultiplyAdd(a, Float16Loader.Load256((byte*)(x + i)), Vector256.Load(y + i)).Store(y + i);
        }
        for (; i < n; i++) y[i] = MathF.FusedMultiplyAdd(alpha, (float)x[i], y[i]);
    }

    /// <summary><c>y += alpha · x</c> over <paramref name="n"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Axpy(float alpha, float* x, float* y, int n)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i + 16 <= n; i += 16) Vector512.FusedMultiplyAdd(a, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i + 8 <= n; i += 8) Vector256.FusedMultiplyAdd(a, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
        }
        for (; i < n; i++) y[i] = MathF.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    // erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7, below float32 GELU noise), vectorised with FastExp.
    private const float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;
    private const float InvSqrt2 = 0.70710678118654752f;

    /// <summary>GELU, erf form, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Gelu(Span<float> values)
    {
        var n = values.Length;
        fixed (float* p = values)
        {
            var i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= n; i += 16) Gelu512(Vector512.Load(p + i)).Store(p + i);
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= n; i += 8) Gelu256(Vector256.Load(p + i)).Store(p + i);
            }
            for (; i < n; i++) p[i] = Gelu(p[i]);
        }
    }

    /// <summary>GELU of one value (same formula as the vector paths).</summary>
    public static float Gelu(float x)
    {
        var z = MathF.Abs(x) * InvSqrt2;
        var t = 1f / (1f + P * z);
        var erf = 1f - t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5)))) * FastExp.Exp(-z * z);
        return 0.5f * x * (1f + (x < 0 ? -erf : erf));
    }

    /// <summary>GELU of 16 values (the vector path of <see cref="Gelu(Span{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Gelu512(Vector512<float> x)
    {
        var z = Vector512.Abs(x) * InvSqrt2;
        var t = Vector512<float>.One / (Vector512<float>.One + z * P);
        var poly = t * (Vector512.Create(A1) + t * (Vector512.Create(A2) + t * (Vector512.Create(A3) + t * (Vector512.Create(A4) + t * A5))));
        var erf = Vector512<float>.One - poly * FastExp.Exp(-(z * z));
        erf = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), -erf, erf);
        return x * 0.5f * (Vector512<float>.One + erf);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Gelu256(Vector256<float> x)
    {
        var z = Vector256.Abs(x) * InvSqrt2;
        var t = Vector256<float>.One / (Vector256<float>.One + z * P);
        var poly = t * (Vector256.Create(A1) + t * (Vector256.Create(A2) + t * (Vector256.Create(A3) + t * (Vector256.Create(A4) + t * A5))));
        var erf = Vector256<float>.One - poly * FastExp.Exp(-(z * z));
        erf = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -erf, erf);
        return x * 0.5f * (Vector256<float>.One + erf);
    }

    /// <summary>Softmax of <c>scale · row</c> in place (max-subtracted); fixed summation order for a given length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void ScaledSoftmax(Span<float> row, float scale)
    {
        var max = TensorPrimitives.Max(row);
        var n = row.Length;
        var offset = -max * scale;
        fixed (float* p = row)
        {
            var i = 0;
            var sum = 0f;
            if (Vector512.IsHardwareAccelerated)
            {
                var acc = Vector512<float>.Zero;
                for (; i + 16 <= n; i += 16)
                {
                    var e = FastExp.Exp(Vector512.FusedMultiplyAdd(Vector512.Load(p + i), Vector512.Create(scale), Vector512.Create(offset)));
                    e.Store(p + i);
                    acc += e;
                }
                sum = Vector512.Sum(acc);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var acc = Vector256<float>.Zero;
                for (; i + 8 <= n; i += 8)
                {
                    var e = FastExp.Exp(Vector256.FusedMultiplyAdd(Vector256.Load(p + i), Vector256.Create(scale), Vector256.Create(offset)));
                    e.Store(p + i);
                    acc += e;
                }
                sum = Vector256.Sum(acc);
            }
            for (; i < n; i++)
            {
                var e = FastExp.Exp(MathF.FusedMultiplyAdd(p[i], scale, offset));
                p[i] = e;
                sum += e;
            }
            TensorPrimitives.Multiply(row, 1f / sum, row);
        }
    }

    /// <summary>LayerNorm of one row (two-pass variance).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, float epsilon)
    {
        var n = x.Length;
        var mean = TensorPrimitives.Sum(x) / n;
        TensorPrimitives.Subtract(x, mean, y);
        var variance = TensorPrimitives.SumOfSquares(y) / n;
        var inv = 1f / MathF.Sqrt(variance + epsilon);
        TensorPrimitives.Multiply(y, inv, y);
        TensorPrimitives.FusedMultiplyAdd(y, gamma, beta, y);
    }
}

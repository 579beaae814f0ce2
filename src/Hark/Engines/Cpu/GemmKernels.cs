using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hark.Engines.Cpu;

/// <summary>Which micro-kernel family runs.</summary>
internal enum KernelPath
{
    /// <summary>6×32 tile, 12 zmm accumulators.</summary>
    Avx512,
    /// <summary>2×32 tile, 8 ymm accumulators.</summary>
    Avx2,
    /// <summary>Portable scalar loops.</summary>
    Scalar,
}

/// <summary>
/// Register-blocked GEMM micro-kernels over packed weight panels, and the cache-blocked loop around them:
/// K is cut in blocks of <see cref="KC"/> so a panel slab (≤ 32 KiB at fp32) stays in L1 while it is reused by every
/// row tile of the block. The reduction order over K is fixed by the blocking, never by the thread count.
/// </summary>
internal static unsafe partial class GemmKernels
{
    /// <summary>K block.</summary>
    public const int KC = 256;

    /// <summary>Rows per task; a multiple of every kernel's row tile (6, 2, 1).</summary>
    public const int MC = 96;

    private const int NR = PackedWeight.PanelWidth;

    /// <summary>Kernel used; tests force the narrower ones to check them against the reference too.</summary>
    public static KernelPath Path { get; set; } =
        Avx512F.IsSupported ? KernelPath.Avx512 : Avx2.IsSupported && Fma.IsSupported ? KernelPath.Avx2 : KernelPath.Scalar;

    /// <summary>
    /// <c>C[m, p·32 + j] = Σ_k A[m, k] · panel_p[k][j]</c> for <paramref name="mCount"/> ≤ <see cref="MC"/> rows and
    /// <paramref name="pCount"/> panels. <paramref name="c"/> must hold <see cref="MC"/> rows of <paramref name="ldc"/> floats.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="slab"/> (<c>KC·32</c> floats) and more than <see cref="SmallM"/> rows, each 2-byte panel
    /// slab is widened once into it and the fp32 kernel reused across the row tiles: same values, same order, same
    /// result, and the conversion cost is paid once per 96 rows instead of once per tile.
    /// </remarks>
    public static void Block<TL>(float* a, nint lda, int mCount, byte* panels, long panelBytes, int pCount, int k, float* c, nint ldc, float* slab = null)
        where TL : struct, IWeightLoader
    {
        var path = Path;
        // Up to SmallM rows (decoder steps, batched or beams) the 8-row tiles convert in registers: widening a slab first
        // cost twice as much at 8 rows (tiny's fp16 logits, one thread: 4.96 against 2.35 ms).
        var widen = typeof(TL) != typeof(Float32Loader) && slab != null && mCount > SmallM && path != KernelPath.Scalar;
        for (var k0 = 0; k0 < k; k0 += KC)
        {
            var kc = Math.Min(KC, k - k0);
            var accumulate = k0 > 0;
            var p = 0;
            if (path == KernelPath.Avx512 && mCount == 1)
            {
                // One row: four panels at once give eight independent FMA chains (one panel's two chains leave the FMA
                // units waiting on latency). Each output still sums over k in order, so results do not change.
                for (; p + 4 <= pCount; p += 4)
                    Kernel512Row4<TL>(a + k0, panels + p * panelBytes + (long)k0 * NR * TL.ElementSize, panelBytes, kc, c + p * NR, accumulate);
            }
            for (; p < pCount; p++)
            {
                var b = panels + p * panelBytes + (long)k0 * NR * TL.ElementSize;
                var cp = c + p * NR;
                if (widen)
                {
                    Widen<TL>(b, kc * NR, slab);
                    Tiles<Float32Loader>(path, a + k0, lda, mCount, (byte*)slab, kc, cp, ldc, accumulate);
                }
                else
                {
                    Tiles<TL>(path, a + k0, lda, mCount, b, kc, cp, ldc, accumulate);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Block{TL}"/> for int8 panels in their k-quad-major layout: the float32 reference path. Each panel
    /// slab is widened (exactly) into <paramref name="slab"/> and the fp32 kernel runs on it, so the sums are those of
    /// float32 weights <c>q·1</c> in the fixed K-block order; the per-row scale comes in the epilogue.
    /// </summary>
    public static void BlockInt8Widened(float* a, nint lda, int mCount, byte* panels, long panelBytes, int pCount, int k, float* c, nint ldc, float* slab)
    {
        var path = Path;
        for (var k0 = 0; k0 < k; k0 += KC)
        {
            var kc = Math.Min(KC, k - k0);
            for (var p = 0; p < pCount; p++)
            {
                // KC is a multiple of 4, so a K block starts on a quad: its bytes begin at k0·32.
                WidenInt8Quads(panels + p * panelBytes + (long)k0 * NR, kc, slab);
                Tiles<Float32Loader>(path, a + k0, lda, mCount, (byte*)slab, kc, c + p * NR, ldc, k0 > 0);
            }
        }
    }

    /// <summary>
    /// Widens <paramref name="kc"/> k of a k-quad-major int8 panel to a k-major float32 slab (rounded up to whole
    /// quads: the slab holds <see cref="KC"/> rows and the padding bytes are zeros).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WidenInt8Quads(byte* source, int kc, float* destination)
    {
        const int quad = PackedWeight.Int8Group;
        var groups = (kc + quad - 1) / quad;
        for (var g = 0; g < groups; g++, source += quad * NR, destination += quad * NR)
        {
            if (Path == KernelPath.Avx512)
            {
                // Byte r of each 32-bit lane is k = 4g + r: shift it to the top, then an arithmetic shift sign-extends.
                var lo = Vector512.Load((int*)source);
                var hi = Vector512.Load((int*)source + 16);
                for (var r = 0; r < quad; r++)
                {
                    var up = 24 - 8 * r;
                    Vector512.ConvertToSingle((lo << up) >> 24).Store(destination + r * NR);
                    Vector512.ConvertToSingle((hi << up) >> 24).Store(destination + r * NR + 16);
                }
            }
            else
            {
                for (var j = 0; j < NR; j++)
                    for (var r = 0; r < quad; r++) destination[r * NR + j] = ((sbyte*)source)[j * quad + r];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tiles<TL>(KernelPath path, float* a, nint lda, int mCount, byte* b, int kc, float* c, nint ldc, bool accumulate)
        where TL : struct, IWeightLoader
    {
        switch (path)
        {
            case KernelPath.Avx512 when mCount == 1:
                Kernel512Row<TL>(a, b, kc, c, accumulate);
                break;
            case KernelPath.Avx512 when mCount <= SmallM:
                SmallTiles512<TL>(a, lda, mCount, b, kc, c, ldc, accumulate);
                break;
            case KernelPath.Avx512:
                for (var m = 0; m < mCount; m += 6)
                    Kernel512<TL>(a + m * lda, lda, Math.Min(6, mCount - m), b, kc, c + m * ldc, ldc, accumulate);
                break;
            case KernelPath.Avx2:
                for (var m = 0; m < mCount; m += 2)
                    Kernel256<TL>(a + m * lda, lda, Math.Min(2, mCount - m), b, kc, c + m * ldc, ldc, accumulate);
                break;
            default:
                for (var m = 0; m < mCount; m++) KernelScalar<TL>(a + m * lda, b, kc, c + m * ldc, accumulate);
                break;
        }
    }

    /// <summary>Widens <paramref name="count"/> (a multiple of 32) packed elements to float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Widen<TL>(byte* source, int count, float* destination)
        where TL : struct, IWeightLoader
    {
        if (Path == KernelPath.Avx512)
        {
            for (var i = 0; i < count; i += 16) TL.Load512(source + i * TL.ElementSize).Store(destination + i);
        }
        else
        {
            for (var i = 0; i < count; i += 8) TL.Load256(source + i * TL.ElementSize).Store(destination + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512<TL>(float* a, nint lda, int rows, byte* b, int kc, float* c, nint ldc, bool accumulate)
        where TL : struct, IWeightLoader
    {
        // Rows past the edge re-read the last valid row: same arithmetic, results land in scratch rows nobody reads.
        var a0 = a;
        var a1 = rows > 1 ? a0 + lda : a0;
        var a2 = rows > 2 ? a1 + lda : a1;
        var a3 = rows > 3 ? a2 + lda : a2;
        var a4 = rows > 4 ? a3 + lda : a3;
        var a5 = rows > 5 ? a4 + lda : a4;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        var step = NR * TL.ElementSize;
        var half = 16 * TL.ElementSize;
        for (var k = 0; k < kc; k++, b += step)
        {
            var b0 = TL.Load512(b);
            var b1 = TL.Load512(b + half);
            var x = Vector512.Create(a0[k]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[k]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[k]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[k]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[k]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[k]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
        }
        Store512(c, accumulate, c00, c01);
        Store512(c + ldc, accumulate, c10, c11);
        Store512(c + 2 * ldc, accumulate, c20, c21);
        Store512(c + 3 * ldc, accumulate, c30, c31);
        Store512(c + 4 * ldc, accumulate, c40, c41);
        Store512(c + 5 * ldc, accumulate, c50, c51);
    }

    /// <summary>
    /// One row (a single decoder token): no wasted row work. It sums in the same order as the 6-row kernel, so a
    /// sequence's logits do not depend on how many sequences share the step (beam results stay reproducible).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512Row<TL>(float* a, byte* b, int kc, float* c, bool accumulate)
        where TL : struct, IWeightLoader
    {
        Vector512<float> c0 = default, c1 = default;
        var step = NR * TL.ElementSize;
        var half = 16 * TL.ElementSize;
        for (var k = 0; k < kc; k++, b += step)
        {
            var x = Vector512.Create(a[k]);
            c0 = Vector512.FusedMultiplyAdd(x, TL.Load512(b), c0);
            c1 = Vector512.FusedMultiplyAdd(x, TL.Load512(b + half), c1);
        }
        Store512(c, accumulate, c0, c1);
    }

    /// <summary><see cref="Kernel512Row{TL}"/> over four consecutive panels <paramref name="panelBytes"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512Row4<TL>(float* a, byte* b, long panelBytes, int kc, float* c, bool accumulate)
        where TL : struct, IWeightLoader
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        var step = NR * TL.ElementSize;
        var half = 16 * TL.ElementSize;
        var b1 = b + panelBytes;
        var b2 = b1 + panelBytes;
        var b3 = b2 + panelBytes;
        for (var k = 0; k < kc; k++, b += step, b1 += step, b2 += step, b3 += step)
        {
            var x = Vector512.Create(a[k]);
            c0 = Vector512.FusedMultiplyAdd(x, TL.Load512(b), c0);
            c1 = Vector512.FusedMultiplyAdd(x, TL.Load512(b + half), c1);
            c2 = Vector512.FusedMultiplyAdd(x, TL.Load512(b1), c2);
            c3 = Vector512.FusedMultiplyAdd(x, TL.Load512(b1 + half), c3);
            c4 = Vector512.FusedMultiplyAdd(x, TL.Load512(b2), c4);
            c5 = Vector512.FusedMultiplyAdd(x, TL.Load512(b2 + half), c5);
            c6 = Vector512.FusedMultiplyAdd(x, TL.Load512(b3), c6);
            c7 = Vector512.FusedMultiplyAdd(x, TL.Load512(b3 + half), c7);
        }
        Store512(c, accumulate, c0, c1);
        Store512(c + NR, accumulate, c2, c3);
        Store512(c + 2 * NR, accumulate, c4, c5);
        Store512(c + 3 * NR, accumulate, c6, c7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, bool accumulate, Vector512<float> lo, Vector512<float> hi)
    {
        if (accumulate)
        {
            lo += Vector512.Load(c);
            hi += Vector512.Load(c + 16);
        }
        lo.Store(c);
        hi.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256<TL>(float* a, nint lda, int rows, byte* b, int kc, float* c, nint ldc, bool accumulate)
        where TL : struct, IWeightLoader
    {
        var a0 = a;
        var a1 = rows > 1 ? a0 + lda : a0;
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        var step = NR * TL.ElementSize;
        var e8 = 8 * TL.ElementSize;
        for (var k = 0; k < kc; k++, b += step)
        {
            var b0 = TL.Load256(b);
            var b1 = TL.Load256(b + e8);
            var b2 = TL.Load256(b + 2 * e8);
            var b3 = TL.Load256(b + 3 * e8);
            var x = Vector256.Create(a0[k]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            c02 = Vector256.FusedMultiplyAdd(x, b2, c02);
            c03 = Vector256.FusedMultiplyAdd(x, b3, c03);
            x = Vector256.Create(a1[k]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            c12 = Vector256.FusedMultiplyAdd(x, b2, c12);
            c13 = Vector256.FusedMultiplyAdd(x, b3, c13);
        }
        Store256(c, accumulate, c00, c01, c02, c03);
        Store256(c + ldc, accumulate, c10, c11, c12, c13);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, bool accumulate, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
    {
        if (accumulate)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
            v2 += Vector256.Load(c + 16);
            v3 += Vector256.Load(c + 24);
        }
        v0.Store(c);
        v1.Store(c + 8);
        v2.Store(c + 16);
        v3.Store(c + 24);
    }

    private static void KernelScalar<TL>(float* a, byte* b, int kc, float* c, bool accumulate)
        where TL : struct, IWeightLoader
    {
        Span<float> sum = stackalloc float[NR];
        for (var k = 0; k < kc; k++)
        {
            var x = a[k];
            var bk = b + (long)k * NR * TL.ElementSize;
            for (var j = 0; j < NR; j++) sum[j] = MathF.FusedMultiplyAdd(x, TL.LoadScalar(bk + j * TL.ElementSize), sum[j]);
        }
        for (var j = 0; j < NR; j++) c[j] = accumulate ? c[j] + sum[j] : sum[j];
    }
}

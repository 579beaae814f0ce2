using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hark.Engines.Cpu;

/// <summary>The decoder's few-row GEMMs (batched steps, beams): 8-row tiles.</summary>
internal static unsafe partial class GemmKernels
{
    /// <summary>Row counts up to this use <see cref="SmallTiles512{TL}"/>.</summary>
    public const int SmallM = 16;

    /// <summary>
    /// Tiles of 8 rows (16 accumulators: each weight vector loaded once feeds 8 FMAs instead of 6, and an 8-row step
    /// is one tile instead of a 6-row tile plus a 2-row tile that does 6 rows' work); the rest by the 6-row and
    /// one-row kernels. Every output element sums over k in the same order in all three, so the split changes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SmallTiles512<TL>(float* a, nint lda, int mCount, byte* b, int kc, float* c, nint ldc, bool accumulate)
        where TL : struct, IWeightLoader
    {
        var m = 0;
        for (; mCount - m >= 7; m += 8) Kernel512x8<TL>(a + m * lda, lda, Math.Min(8, mCount - m), b, kc, c + m * ldc, ldc, accumulate);
        var rest = mCount - m;
        if (rest == 1) Kernel512Row<TL>(a + m * lda, b, kc, c + m * ldc, accumulate);
        else if (rest > 1) Kernel512<TL>(a + m * lda, lda, rest, b, kc, c + m * ldc, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512x8<TL>(float* a, nint lda, int rows, byte* b, int kc, float* c, nint ldc, bool accumulate)
        where TL : struct, IWeightLoader
    {
        // A 7-row tile re-reads row 6 as row 7: same arithmetic, the result lands in a scratch row nobody reads.
        var a0 = a;
        var a1 = a0 + lda;
        var a2 = a1 + lda;
        var a3 = a2 + lda;
        var a4 = a3 + lda;
        var a5 = a4 + lda;
        var a6 = a5 + lda;
        var a7 = rows > 7 ? a6 + lda : a6;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
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
            x = Vector512.Create(a6[k]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[k]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        Store512(c, accumulate, c00, c01);
        Store512(c + ldc, accumulate, c10, c11);
        Store512(c + 2 * ldc, accumulate, c20, c21);
        Store512(c + 3 * ldc, accumulate, c30, c31);
        Store512(c + 4 * ldc, accumulate, c40, c41);
        Store512(c + 5 * ldc, accumulate, c50, c51);
        Store512(c + 6 * ldc, accumulate, c60, c61);
        Store512(c + 7 * ldc, accumulate, c70, c71);
    }
}

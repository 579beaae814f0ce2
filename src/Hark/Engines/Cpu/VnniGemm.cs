using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hark.Engines.Cpu;

/// <summary>
/// int8 × int8 GEMM on VPDPBUSD (<see cref="AvxVnni"/>): activations as unsigned bytes <c>q + 128</c>, weights as
/// signed bytes in k-quad-major panels, exact int32 sums. <c>Σ (q_a + 128)·q_w = Σ q_a·q_w + 128·Σ q_w</c>, so the
/// epilogue subtracts <c>128·</c><see cref="PackedWeight.Sums"/> and scales by the row's activation scale (the
/// weight's per-row scale follows in <see cref="LinearJob"/>'s epilogue). Products never exceed 255·127, so K ≤ 65 536
/// keeps the int32 sums exact.
/// </summary>
/// <remarks>
/// The tile is 4 rows × 32 outputs: 16 ymm accumulators, the most the JIT keeps in registers (it places a
/// VPDPBUSD's accumulator in ymm0–15 only; a 6-row tile spills). K is cut in blocks of <see cref="KC"/> so a panel
/// slab (16 KiB) stays in L1 while every row tile of the block reuses it; partial int32 sums wait in the tile.
/// </remarks>
internal static unsafe class VnniGemm
{
    /// <summary>K block: a multiple of 4.</summary>
    public const int KC = 512;

    private const int NR = PackedWeight.PanelWidth;
    private const int Quad = PackedWeight.Int8Group;

    /// <summary>
    /// <c>C[m, p·32 + j]</c> (float, before the weight scale) for <paramref name="mCount"/> rows of quantised
    /// activations <paramref name="a"/> (<paramref name="lda"/> bytes apart, scales in <paramref name="rowScales"/>)
    /// and panels <paramref name="p0"/>.. <paramref name="p0"/> + <paramref name="pCount"/> of <paramref name="w"/>.
    /// </summary>
    /// <remarks><paramref name="wide"/>: 6-row tiles over panel pairs go to the native 512-bit kernel (same sums).</remarks>
    public static void Block(byte* a, nint lda, float* rowScales, int mCount, PackedWeight w, int p0, int pCount, float* c, nint ldc, bool wide) =>
        PanelBlock(a, lda, rowScales, mCount, w.Data + p0 * w.PanelBytes, w.PanelBytes, w.PaddedColumns, w.Sums + p0 * NR, pCount, c, ldc, wide);

    /// <summary>
    /// The same over raw panels: <paramref name="pCount"/> k-quad-major panels of <paramref name="k"/> (a multiple of 4)
    /// bytes per output, <paramref name="panelBytes"/> apart, with their per-output <paramref name="sums"/> (zeros for
    /// activations without the +128 zero point). <paramref name="raw"/> leaves the exact int32 sums in
    /// <paramref name="c"/> (no zero-point correction, no scale) for an epilogue that fuses them itself.
    /// <paramref name="wide"/> sends whole 6-row tiles over panel pairs to <see cref="Native.NativeKernels.Int8"/>
    /// (512-bit VPDPBUSD); the int32 sums are exact either way, so the result does not depend on it.
    /// </summary>
    public static void PanelBlock(byte* a, nint lda, float* rowScales, int mCount, byte* panels, long panelBytes, int k, int* sums, int pCount, float* c, nint ldc, bool wide, bool raw = false)
    {
        var native = wide && mCount >= Native.NativeKernels.Rows ? Native.NativeKernels.Int8 : null;
        var tile = stackalloc int[native != null ? Native.NativeKernels.Rows * Native.NativeKernels.Columns : 0];
        for (var k0 = 0; k0 < k; k0 += KC)
        {
            var groups = Math.Min(KC, k - k0) / Quad;
            var first = k0 == 0;
            var last = !raw && k0 + KC >= k;
            var p = 0;
            if (mCount == 1)
            {
                for (; p + 4 <= pCount; p += 4)
                    RowPanels4(a + k0, panels + p * panelBytes + (long)k0 * NR, panelBytes, groups, c + p * NR, first, last, *rowScales, sums + p * NR);
            }
            if (native != null)
            {
                for (; p + 2 <= pCount; p += 2)
                {
                    var b = panels + p * panelBytes + (long)k0 * NR;
                    var m = 0;
                    for (; m + Native.NativeKernels.Rows <= mCount; m += Native.NativeKernels.Rows)
                    {
                        native(a + m * lda + k0, lda, b, (nint)panelBytes, groups, tile);
                        for (var r = 0; r < Native.NativeKernels.Rows; r++)
                        {
                            var t = tile + r * Native.NativeKernels.Columns;
                            var cr = c + (m + r) * ldc + p * NR;
                            Finish(cr, first, last, rowScales[m + r], sums + p * NR, Vector256.Load(t), Vector256.Load(t + 8), Vector256.Load(t + 16), Vector256.Load(t + 24));
                            Finish(cr + NR, first, last, rowScales[m + r], sums + (p + 1) * NR, Vector256.Load(t + 32), Vector256.Load(t + 40), Vector256.Load(t + 48), Vector256.Load(t + 56));
                        }
                    }
                    for (; m < mCount; m += 4)
                    {
                        var rows = Math.Min(4, mCount - m);
                        Tile4(a + m * lda + k0, lda, rows, b, groups, c + m * ldc + p * NR, ldc, first, last, rowScales + m, sums + p * NR);
                        Tile4(a + m * lda + k0, lda, rows, b + panelBytes, groups, c + m * ldc + (p + 1) * NR, ldc, first, last, rowScales + m, sums + (p + 1) * NR);
                    }
                }
            }
            for (; p < pCount; p++)
            {
                var b = panels + p * panelBytes + (long)k0 * NR;
                for (var m = 0; m < mCount; m += 4)
                    Tile4(a + m * lda + k0, lda, Math.Min(4, mCount - m), b, groups, c + m * ldc + p * NR, ldc, first, last, rowScales + m, sums + p * NR);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4(byte* a, nint lda, int rows, byte* b, int groups, float* c, nint ldc, bool first, bool last, float* scales, int* sums)
    {
        // Rows past the edge re-read the last valid row; their sums are computed and dropped.
        var a0 = a;
        var a1 = rows > 1 ? a0 + lda : a0;
        var a2 = rows > 2 ? a1 + lda : a1;
        var a3 = rows > 3 ? a2 + lda : a2;
        Vector256<int> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<int> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        for (var g = 0; g < groups; g++, b += Quad * NR)
        {
            var b0 = Vector256.Load((sbyte*)b);
            var b1 = Vector256.Load((sbyte*)b + 32);
            var b2 = Vector256.Load((sbyte*)b + 64);
            var b3 = Vector256.Load((sbyte*)b + 96);
            var o = g * Quad;
            var x = Vector256.Create(*(int*)(a0 + o)).AsByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, b0);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, b1);
            c02 = AvxVnni.MultiplyWideningAndAdd(c02, x, b2);
            c03 = AvxVnni.MultiplyWideningAndAdd(c03, x, b3);
            x = Vector256.Create(*(int*)(a1 + o)).AsByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, b0);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, b1);
            c12 = AvxVnni.MultiplyWideningAndAdd(c12, x, b2);
            c13 = AvxVnni.MultiplyWideningAndAdd(c13, x, b3);
            x = Vector256.Create(*(int*)(a2 + o)).AsByte();
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, b0);
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, b1);
            c22 = AvxVnni.MultiplyWideningAndAdd(c22, x, b2);
            c23 = AvxVnni.MultiplyWideningAndAdd(c23, x, b3);
            x = Vector256.Create(*(int*)(a3 + o)).AsByte();
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, b0);
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, b1);
            c32 = AvxVnni.MultiplyWideningAndAdd(c32, x, b2);
            c33 = AvxVnni.MultiplyWideningAndAdd(c33, x, b3);
        }
        Finish(c, first, last, scales[0], sums, c00, c01, c02, c03);
        if (rows > 1) Finish(c + ldc, first, last, scales[1], sums, c10, c11, c12, c13);
        if (rows > 2) Finish(c + 2 * ldc, first, last, scales[2], sums, c20, c21, c22, c23);
        if (rows > 3) Finish(c + 3 * ldc, first, last, scales[3], sums, c30, c31, c32, c33);
    }

    /// <summary>One row (a decoder token) against four panels <paramref name="panelBytes"/> apart: 16 independent chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowPanels4(byte* a, byte* b, long panelBytes, int groups, float* c, bool first, bool last, float scale, int* sums)
    {
        Vector256<int> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<int> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        var q0 = b;
        var q1 = q0 + panelBytes;
        var q2 = q1 + panelBytes;
        var q3 = q2 + panelBytes;
        for (var g = 0; g < groups; g++, q0 += Quad * NR, q1 += Quad * NR, q2 += Quad * NR, q3 += Quad * NR)
        {
            var x = Vector256.Create(*(int*)(a + g * Quad)).AsByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, Vector256.Load((sbyte*)q0));
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, Vector256.Load((sbyte*)q0 + 32));
            c02 = AvxVnni.MultiplyWideningAndAdd(c02, x, Vector256.Load((sbyte*)q0 + 64));
            c03 = AvxVnni.MultiplyWideningAndAdd(c03, x, Vector256.Load((sbyte*)q0 + 96));
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, Vector256.Load((sbyte*)q1));
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, Vector256.Load((sbyte*)q1 + 32));
            c12 = AvxVnni.MultiplyWideningAndAdd(c12, x, Vector256.Load((sbyte*)q1 + 64));
            c13 = AvxVnni.MultiplyWideningAndAdd(c13, x, Vector256.Load((sbyte*)q1 + 96));
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, Vector256.Load((sbyte*)q2));
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, Vector256.Load((sbyte*)q2 + 32));
            c22 = AvxVnni.MultiplyWideningAndAdd(c22, x, Vector256.Load((sbyte*)q2 + 64));
            c23 = AvxVnni.MultiplyWideningAndAdd(c23, x, Vector256.Load((sbyte*)q2 + 96));
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, Vector256.Load((sbyte*)q3));
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, Vector256.Load((sbyte*)q3 + 32));
            c32 = AvxVnni.MultiplyWideningAndAdd(c32, x, Vector256.Load((sbyte*)q3 + 64));
            c33 = AvxVnni.MultiplyWideningAndAdd(c33, x, Vector256.Load((sbyte*)q3 + 96));
        }
        Finish(c, first, last, scale, sums, c00, c01, c02, c03);
        Finish(c + NR, first, last, scale, sums + NR, c10, c11, c12, c13);
        Finish(c + 2 * NR, first, last, scale, sums + 2 * NR, c20, c21, c22, c23);
        Finish(c + 3 * NR, first, last, scale, sums + 3 * NR, c30, c31, c32, c33);
    }

    /// <summary>
    /// Adds the earlier K blocks' partial sums (kept as int32 in the float tile), then either parks the total or,
    /// after the last block, removes the zero-point term and converts: <c>(acc − 128·Σq_w)·scale_a</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float* c, bool first, bool last, float scale, int* sums, Vector256<int> v0, Vector256<int> v1, Vector256<int> v2, Vector256<int> v3)
    {
        var ci = (int*)c;
        if (!first)
        {
            v0 += Vector256.Load(ci);
            v1 += Vector256.Load(ci + 8);
            v2 += Vector256.Load(ci + 16);
            v3 += Vector256.Load(ci + 24);
        }
        if (!last)
        {
            v0.Store(ci);
            v1.Store(ci + 8);
            v2.Store(ci + 16);
            v3.Store(ci + 24);
            return;
        }
        var s = Vector256.Create(scale);
        (Vector256.ConvertToSingle(v0 - (Vector256.Load(sums) << 7)) * s).Store(c);
        (Vector256.ConvertToSingle(v1 - (Vector256.Load(sums + 8) << 7)) * s).Store(c + 8);
        (Vector256.ConvertToSingle(v2 - (Vector256.Load(sums + 16) << 7)) * s).Store(c + 16);
        (Vector256.ConvertToSingle(v3 - (Vector256.Load(sums + 24) << 7)) * s).Store(c + 24);
    }
}

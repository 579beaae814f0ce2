using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hark.Engines.Cpu;

/// <summary>
/// int8 × int8 GEMM for AVX2 CPUs without VNNI. VPMADDUBSW would saturate (two products of 255·127 overflow int16),
/// so both operands are sign-extended to 16 bits and VPMADDWD forms exact int32 pair sums: activations are stored
/// as int16 <c>q</c> (no zero point), weights widened from the k-quad-major panels in registers.
/// </summary>
/// <remarks>
/// A 16-bit weight vector holds 4 outputs × 4 k, so VPMADDWD leaves two partial sums per output (k 0–1 and 2–3);
/// they are added pairwise once, at the end. The tile is 2 rows × 16 outputs: 8 accumulators, within 16 registers.
/// </remarks>
internal static unsafe class Avx2Int8Gemm
{
    private const int NR = PackedWeight.PanelWidth;
    private const int Quad = PackedWeight.Int8Group;

    /// <summary>As <see cref="VnniGemm.Block"/>, with int16 activations <paramref name="lda"/> elements apart.</summary>
    public static void Block(short* a, nint lda, float* rowScales, int mCount, PackedWeight w, int p0, int pCount, float* c, nint ldc)
    {
        var k = w.PaddedColumns;
        for (var k0 = 0; k0 < k; k0 += VnniGemm.KC)
        {
            var groups = Math.Min(VnniGemm.KC, k - k0) / Quad;
            var first = k0 == 0;
            var last = k0 + VnniGemm.KC >= k;
            for (var p = 0; p < pCount; p++)
            {
                var b = w.Data + (p0 + p) * w.PanelBytes + (long)k0 * NR;
                for (var m = 0; m < mCount; m += 2)
                {
                    var rows = Math.Min(2, mCount - m);
                    for (var half = 0; half < 2; half++)
                        Tile2(a + m * lda + k0, lda, rows, b + half * 16 * Quad, groups, c + m * ldc + p * NR + half * 16, ldc, first, last, rowScales + m);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2(short* a, nint lda, int rows, byte* b, int groups, float* c, nint ldc, bool first, bool last, float* scales)
    {
        var a0 = a;
        var a1 = rows > 1 ? a0 + lda : a0;
        Vector256<int> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        for (var g = 0; g < groups; g++, b += Quad * NR)
        {
            var b0 = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)b));
            var b1 = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)b + 16));
            var b2 = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)b + 32));
            var b3 = Avx2.ConvertToVector256Int16(Vector128.Load((sbyte*)b + 48));
            // The four int16 activations of this quad, repeated per output.
            var x = Vector256.Create(*(long*)(a0 + g * Quad)).AsInt16();
            c00 += Avx2.MultiplyAddAdjacent(x, b0);
            c01 += Avx2.MultiplyAddAdjacent(x, b1);
            c02 += Avx2.MultiplyAddAdjacent(x, b2);
            c03 += Avx2.MultiplyAddAdjacent(x, b3);
            x = Vector256.Create(*(long*)(a1 + g * Quad)).AsInt16();
            c10 += Avx2.MultiplyAddAdjacent(x, b0);
            c11 += Avx2.MultiplyAddAdjacent(x, b1);
            c12 += Avx2.MultiplyAddAdjacent(x, b2);
            c13 += Avx2.MultiplyAddAdjacent(x, b3);
        }
        Finish(c, first, last, scales[0], Pairs(c00, c01), Pairs(c02, c03));
        if (rows > 1) Finish(c + ldc, first, last, scales[1], Pairs(c10, c11), Pairs(c12, c13));
    }

    /// <summary>Adds each output's two partial sums: lanes (j0a j0b j1a j1b | j2a j2b j3a j3b) of two vectors → j0..j7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Pairs(Vector256<int> lo, Vector256<int> hi) =>
        Avx2.Permute4x64(Avx2.HorizontalAdd(lo, hi).AsInt64(), 0b11_01_10_00).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(float* c, bool first, bool last, float scale, Vector256<int> v0, Vector256<int> v1)
    {
        var ci = (int*)c;
        if (!first)
        {
            v0 += Vector256.Load(ci);
            v1 += Vector256.Load(ci + 8);
        }
        if (!last)
        {
            v0.Store(ci);
            v1.Store(ci + 8);
            return;
        }
        var s = Vector256.Create(scale);
        (Vector256.ConvertToSingle(v0) * s).Store(c);
        (Vector256.ConvertToSingle(v1) * s).Store(c + 8);
    }
}

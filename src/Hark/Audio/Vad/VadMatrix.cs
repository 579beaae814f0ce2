using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hark.Audio.Vad;

/// <summary>
/// A weight <c>W [n, k]</c> packed for <c>Y = X·Wᵀ + b</c> over many rows of <c>X</c> (the frames of a block): panels of
/// 16 output columns, each stored k-major, so that a 4×16 register tile runs one FMA chain per output over k in order.
/// Every output is therefore the same sum in the same order whatever the rows around it, the block size or the thread
/// count: results are bit-identical run to run and across threads, which share out frames, not columns. Small (the VAD's largest weight is 280 KB) and
/// self-contained: the Audio layer may not use the engines' GEMM.
/// </summary>
internal sealed unsafe class VadMatrix
{
    private const int NR = 16;
    private const int MR = 4;

    /// <summary>Rows per block: the block's rows of X stay in L2 while each panel (k·64 bytes) sits in L1.</summary>
    private const int RowsPerBlock = 64;

    private readonly float[] _panels; // pinned
    private readonly float[] _bias; // padded to the panel width, pinned

    /// <summary>Packs <paramref name="w"/> (row-major <c>[n, k]</c>) and its bias (zeros when null).</summary>
    public VadMatrix(ReadOnlySpan<float> w, int n, int k, ReadOnlySpan<float> bias = default)
    {
        if (w.Length != n * k) throw new ArgumentException($"{w.Length} values do not fill [{n}, {k}]", nameof(w));
        K = k;
        Panels = (n + NR - 1) / NR;
        _panels = GC.AllocateArray<float>(Panels * NR * k, pinned: true);
        for (var o = 0; o < n; o++)
            for (var j = 0; j < k; j++)
                _panels[(o / NR * k + j) * NR + o % NR] = w[o * k + j];
        _bias = GC.AllocateArray<float>(Panels * NR, pinned: true);
        bias.CopyTo(_bias);
    }

    /// <summary>Inputs per output.</summary>
    public int K { get; }

    /// <summary>Panels of 16 columns.</summary>
    public int Panels { get; }

    /// <summary>Row stride an output buffer needs (whole panels).</summary>
    public int PaddedN => Panels * NR;

    /// <summary>
    /// <c>Y[r, :] = X[r, :]·Wᵀ + b</c> (then ReLU when <paramref name="relu"/>) for <paramref name="m"/> rows; Y needs
    /// <see cref="PaddedN"/> writable columns per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Multiply(float* x, int ldx, int m, float* y, int ldy, bool relu)
    {
        fixed (float* panels = _panels)
        fixed (float* bias = _bias)
        {
            for (var r0 = 0; r0 < m; r0 += RowsPerBlock)
            {
                var r1 = Math.Min(m, r0 + RowsPerBlock);
                for (var p = 0; p < Panels; p++)
                {
                    var b = panels + (long)p * K * NR;
                    for (var r = r0; r < r1; r += MR)
                        Tile(x + (long)r * ldx, ldx, Math.Min(MR, r1 - r), b, K, bias + p * NR, y + (long)r * ldy + p * NR, ldy, relu);
                }
            }
        }
    }

    /// <summary>Up to 4 rows × 16 columns; rows past the edge re-read the last row and are not stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(float* a, int lda, int rows, float* b, int k, float* bias, float* c, int ldc, bool relu)
    {
        var a0 = a;
        var a1 = rows > 1 ? a0 + lda : a0;
        var a2 = rows > 2 ? a1 + lda : a1;
        var a3 = rows > 3 ? a2 + lda : a2;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (var j = 0; j < k; j++, b += NR)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a0[j]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[j]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[j]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[j]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        var bias0 = Vector256.Load(bias);
        var bias1 = Vector256.Load(bias + 8);
        Store(c, c00 + bias0, c01 + bias1, relu);
        if (rows > 1) Store(c + ldc, c10 + bias0, c11 + bias1, relu);
        if (rows > 2) Store(c + 2 * ldc, c20 + bias0, c21 + bias1, relu);
        if (rows > 3) Store(c + 3 * ldc, c30 + bias0, c31 + bias1, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> v0, Vector256<float> v1, bool relu)
    {
        if (relu)
        {
            v0 = Vector256.Max(v0, Vector256<float>.Zero);
            v1 = Vector256.Max(v1, Vector256<float>.Zero);
        }
        v0.Store(c);
        v1.Store(c + 8);
    }

    /// <summary>
    /// One row: <c>y = x·Wᵀ + addend</c> (the bias is not added). Four panels at a time keep eight FMA chains in
    /// flight; each output is still one chain over k in order, as in <see cref="Multiply"/>. The output count must be a
    /// multiple of 64.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void MultiplyRow(float* x, float* addend, float* y)
    {
        fixed (float* panels = _panels)
        {
            for (var p = 0; p < Panels; p += 4)
            {
                var b = panels + (long)p * K * NR;
                var stride = K * NR;
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                Vector256<float> s4 = default, s5 = default, s6 = default, s7 = default;
                for (var j = 0; j < K; j++, b += NR)
                {
                    var v = Vector256.Create(x[j]);
                    s0 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b), s0);
                    s1 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b + 8), s1);
                    s2 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b + stride), s2);
                    s3 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b + stride + 8), s3);
                    s4 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b + 2 * stride), s4);
                    s5 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b + 2 * stride + 8), s5);
                    s6 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b + 3 * stride), s6);
                    s7 = Vector256.FusedMultiplyAdd(v, Vector256.Load(b + 3 * stride + 8), s7);
                }
                var o = p * NR;
                (s0 + Vector256.Load(addend + o)).Store(y + o);
                (s1 + Vector256.Load(addend + o + 8)).Store(y + o + 8);
                (s2 + Vector256.Load(addend + o + 16)).Store(y + o + 16);
                (s3 + Vector256.Load(addend + o + 24)).Store(y + o + 24);
                (s4 + Vector256.Load(addend + o + 32)).Store(y + o + 32);
                (s5 + Vector256.Load(addend + o + 40)).Store(y + o + 40);
                (s6 + Vector256.Load(addend + o + 48)).Store(y + o + 48);
                (s7 + Vector256.Load(addend + o + 56)).Store(y + o + 56);
            }
        }
    }
}

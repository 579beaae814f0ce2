using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hark.Engines.Cpu;

/// <summary>
/// bfloat16 × bfloat16 GEMM with float32 sums on VDPBF16PS (<see cref="Native.NativeKernels.BFloat16"/>): activation
/// rows rounded to bfloat16 by <see cref="BFloat16Activations"/>, weights read from the same k-major bf16 panels the
/// widening kernels read. Every output element is summed in one fixed order (K blocks of <see cref="KC"/>, pairs in
/// order), whatever the number of threads.
/// </summary>
/// <remarks>
/// Ops of fewer than <see cref="MinRows"/> rows (decoder steps) keep the widening float32 kernel: padded to a 6-row
/// tile, one row would run at a sixth of the kernel's rate, below the widening GEMV's (measured with the bench's <c>gemm</c> suite:
/// 63 against 83 GFLOP/s for tiny's decoder fc1 on one thread). So a decoder row's result can differ in the
/// last bits between a step of fewer and one of more rows than that.
/// </remarks>
internal static unsafe class BFloat16Gemm
{
    /// <summary>K block: the two panels' slab (2 × 256 × 64 bytes = 32 KiB) stays in L1 across the row tiles.</summary>
    public const int KC = 256;

    /// <summary>Fewest rows an op needs for the native kernel (see remarks).</summary>
    public const int MinRows = 16;

    private const int NR = PackedWeight.PanelWidth;
    private const int Rows = Native.NativeKernels.Rows;
    private const int Cols = Native.NativeKernels.Columns;

    /// <summary>
    /// Whether <paramref name="m"/> rows times a weight of <paramref name="k"/> columns go through the native kernel:
    /// enough rows, whole k-pairs (Whisper's K, 3·80, 3·d, d and 4·d, always are).
    /// </summary>
    public static bool Supports(int m, int k) => m >= MinRows && k % 2 == 0;

    /// <summary>
    /// <c>C[m, p·32 + j] = Σ_k a[m, k]·W[p·32 + j, k]</c> for <paramref name="mCount"/> rounded rows
    /// <paramref name="a"/> (<paramref name="lda"/> elements apart, zero rows after the last up to a multiple of 6) and
    /// <paramref name="pCount"/> panels from <paramref name="panels"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block(ushort* a, int lda, int mCount, byte* panels, long panelBytes, int pCount, int k, float* c, nint ldc)
    {
        var kernel = Native.NativeKernels.BFloat16;
        var tile = stackalloc float[Rows * Cols];
        for (var k0 = 0; k0 < k; k0 += KC)
        {
            var pairs = Math.Min(KC, k - k0) / 2;
            var first = k0 == 0;
            for (var p = 0; p < pCount; p += 2)
            {
                var b = panels + p * panelBytes + (long)k0 * NR * sizeof(ushort);
                var pair = p + 1 < pCount;
                for (var m = 0; m < mCount; m += Rows)
                {
                    kernel((byte*)(a + (long)m * lda + k0), (nint)lda * sizeof(ushort), b, pair ? (nint)panelBytes : 0, pairs, tile);
                    var rows = Math.Min(Rows, mCount - m);
                    for (var r = 0; r < rows; r++)
                    {
                        var cr = c + (m + r) * ldc + p * NR;
                        Store(tile + r * Cols, cr, first);
                        if (pair) Store(tile + r * Cols + 2 * 16, cr + NR, first);
                    }
                }
            }
        }
    }

    /// <summary>One panel's 32 sums from unpack order (lo: outputs 0-3, 8-11, …; hi: 4-7, 12-15, …) into <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* t, float* c, bool first)
    {
        for (var q = 0; q < 4; q++)
        {
            var lo = Vector128.Load(t + 4 * q);
            var hi = Vector128.Load(t + 16 + 4 * q);
            if (!first)
            {
                lo += Vector128.Load(c + 8 * q);
                hi += Vector128.Load(c + 8 * q + 4);
            }
            lo.Store(c + 8 * q);
            hi.Store(c + 8 * q + 4);
        }
    }
}

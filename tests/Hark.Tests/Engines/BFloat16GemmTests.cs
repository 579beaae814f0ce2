using CsCheck;
using Hark.Checkpoints;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

/// <summary>
/// The bfloat16 linear op of each kernel against a double-precision loop over the bf16-rounded weights <c>ŵ</c> (what
/// both kernels multiply). Error bound per output, <c>S = Σ|x·ŵ|</c>: the native kernel rounds each activation to
/// bfloat16 (to nearest even, 8 significant bits: relative error ≤ 2⁻⁸), so <c>|Δ| ≤ 2⁻⁸·S</c> from the activations plus float32 summation of
/// K terms, <c>≤ K·2⁻²⁴·S</c> (the classic bound, taken twice for the pair sums); the widening kernel has only the
/// summation term.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class BFloat16GemmTests
{
    /// <summary>Decoder-sized steps (below <see cref="BFloat16Gemm.MinRows"/>), encoder-like blocks, odd sizes, K past a block.</summary>
    private static readonly Gen<(int M, int N, int K, int Seed)> Shapes = Gen.OneOf(
        Gen.Select(Gen.Int[1, BFloat16Gemm.MinRows - 1], Gen.Int[1, 130], Gen.Int[1, 300].Select(k => 2 * k), Gen.Int[0, 100000]),
        Gen.Select(Gen.Int[BFloat16Gemm.MinRows, 210], Gen.Int[1, 100], Gen.Int[1, 350].Select(k => 2 * k), Gen.Int[0, 100000]),
        Gen.Select(Gen.Int[16, 120], Gen.Int[1, 70], Gen.Int[1, 200].Select(k => 2 * k - 1), Gen.Int[0, 100000]));

    [BFloat16KernelFact(BFloat16Kernel.Avx512Bf16)]
    public void Avx512Bf16_products_stay_within_the_activation_rounding_bound_for_any_shape() => WithinBound(BFloat16Kernel.Avx512Bf16);

    [Fact]
    public void Float32Widened_products_stay_within_float32_summation_of_the_rounded_weights() => WithinBound(BFloat16Kernel.Float32Widened);

    /// <summary>Decoder steps of fewer than <see cref="BFloat16Gemm.MinRows"/> rows keep the widening kernel, bit for bit.</summary>
    [BFloat16KernelFact(BFloat16Kernel.Avx512Bf16)]
    public void Ops_below_the_row_threshold_equal_the_widening_kernel()
    {
        using var native = new CpuBackend(2, bf16: BFloat16Kernel.Avx512Bf16);
        using var widened = new CpuBackend(2, bf16: BFloat16Kernel.Float32Widened);
        Gen.Select(Gen.Int[1, BFloat16Gemm.MinRows - 1], Gen.Int[1, 130], Gen.Int[1, 400], Gen.Int[0, 100000]).Sample((m, n, k, seed) =>
        {
            var random = new Random(seed);
            var x = Values(random, m * k);
            var w = Values(random, n * k);
            Assert.Equal(Run(widened, x, w, m, n, k), Run(native, x, w, m, n, k));
        }, iter: 20);
    }

    /// <summary>Each output is summed in one fixed order whatever the thread count.</summary>
    [BFloat16KernelFact(BFloat16Kernel.Avx512Bf16)]
    public void Avx512Bf16_results_do_not_depend_on_the_thread_count()
    {
        using var one = new CpuBackend(1, bf16: BFloat16Kernel.Avx512Bf16);
        using var two = new CpuBackend(2, bf16: BFloat16Kernel.Avx512Bf16);
        var random = new Random(7);
        const int m = 1500, n = 200, k = 384;
        var x = Values(random, m * k);
        var w = Values(random, n * k);
        Assert.Equal(Run(one, x, w, m, n, k), Run(two, x, w, m, n, k));
    }

    [Fact]
    public void Auto_uses_VDPBF16PS_where_the_cpu_has_it()
    {
        using var backend = new CpuBackend(1);
        var expected = BFloat16KernelSelection.IsSupported(BFloat16Kernel.Avx512Bf16) ? BFloat16Kernel.Avx512Bf16 : BFloat16Kernel.Float32Widened;
        Assert.Equal(expected, backend.BFloat16);
        using var forced = new CpuBackend(1, bf16: BFloat16Kernel.Float32Widened);
        Assert.Equal(BFloat16Kernel.Float32Widened, forced.BFloat16);
    }

    /// <summary>The vectorised rounding (weights at load, activation rows of the VDPBF16PS kernel) follows the per-element rule.</summary>
    [Fact]
    public void Vectorised_bf16_rounding_equals_the_per_element_rule_for_any_bits()
    {
        Gen.UInt.Array[0, 100].Sample(bits =>
        {
            var x = bits.Select(BitConverter.UInt32BitsToSingle).ToArray();
            var expected = bits.Select(DTypeConversion.ToBFloat16).ToArray();
            var actual = new ushort[x.Length];
            DTypeConversion.Float32ToBFloat16(x, actual);
            Assert.Equal(expected, actual);
        }, iter: 200);
    }

    private static void WithinBound(BFloat16Kernel kernel)
    {
        using var backend = new CpuBackend(2, bf16: kernel);
        Shapes.Sample((m, n, k, seed) =>
        {
            var random = new Random(seed);
            var x = Values(random, m * k);
            var w = Values(random, n * k);
            var rounded = new ushort[w.Length];
            DTypeConversion.Float32ToBFloat16(w, rounded);
            var y = Run(backend, x, w, m, n, k);
            var activationRounding = kernel == BFloat16Kernel.Avx512Bf16 && m >= BFloat16Gemm.MinRows && k % 2 == 0 ? Math.Pow(2, -8) : 0;
            for (var r = 0; r < m; r++)
                for (var o = 0; o < n; o++)
                {
                    double exact = 0, sum = 0;
                    for (var i = 0; i < k; i++)
                    {
                        var term = (double)x[r * k + i] * BitConverter.Int32BitsToSingle(rounded[o * k + i] << 16);
                        exact += term;
                        sum += Math.Abs(term);
                    }
                    var bound = (activationRounding + 2.0 * k * Math.Pow(2, -24)) * sum + 1e-30;
                    Assert.InRange(Math.Abs(y[r * n + o] - exact), 0, bound);
                }
        }, iter: 40);
    }

    private static float[] Run(CpuBackend backend, float[] x, float[] w, int m, int n, int k) => LinearOp.Run(backend, x, w, m, n, k, TensorDType.BFloat16);

    private static float[] Values(Random random, int count)
    {
        var v = new float[count];
        for (var i = 0; i < count; i++) v[i] = (float)(random.NextDouble() * 2 - 1) * (random.Next(50) == 0 ? 4 : 1);
        return v;
    }
}

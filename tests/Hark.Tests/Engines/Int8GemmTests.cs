using CsCheck;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

/// <summary>
/// The int8 linear op of every kernel against a double-precision loop on the original float values.
/// Error bound, per output (row r of x, row n of W, both quantised symmetrically to [−127, 127]):
/// <c>x_k = s_a·q_a + e_a</c> with <c>|e_a| ≤ s_a/2</c>, <c>w_k = s_w·q_w + e_w</c> with <c>|e_w| ≤ s_w/2</c>, so
/// <c>|Σ x·w − s_a·s_w·Σ q_a·q_w| ≤ (s_w/2)·Σ|x| + (s_a/2)·Σ|ŵ|</c>, <c>ŵ = s_w·q_w</c> (the integer sum itself is exact);
/// plus float32 rounding of the epilogue, bounded by <c>1e-5·Σ|x·w|</c>. The float32 reference keeps x unquantised,
/// so only the weight term applies to it.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class Int8GemmTests
{
    [Int8KernelFact(Int8Kernel.Avx512Vnni)]
    public void Avx512Vnni_products_stay_within_the_quantisation_bound_for_any_shape() => WithinBound(Int8Kernel.Avx512Vnni);

    [Int8KernelFact(Int8Kernel.AvxVnni)]
    public void AvxVnni_products_stay_within_the_quantisation_bound_for_any_shape() => WithinBound(Int8Kernel.AvxVnni);

    [Int8KernelFact(Int8Kernel.Avx2)]
    public void Avx2_products_stay_within_the_quantisation_bound_for_any_shape() => WithinBound(Int8Kernel.Avx2);

    [Int8KernelFact(Int8Kernel.Float32Reference)]
    public void Float32_reference_products_stay_within_the_weight_quantisation_bound_for_any_shape() => WithinBound(Int8Kernel.Float32Reference);

    [Int8KernelFact(Int8Kernel.Avx512Vnni)]
    public void Avx512Vnni_products_of_integer_valued_inputs_are_exact() => ExactOnIntegers(Int8Kernel.Avx512Vnni);

    [Int8KernelFact(Int8Kernel.AvxVnni)]
    public void AvxVnni_products_of_integer_valued_inputs_are_exact() => ExactOnIntegers(Int8Kernel.AvxVnni);

    [Int8KernelFact(Int8Kernel.Avx2)]
    public void Avx2_products_of_integer_valued_inputs_are_exact() => ExactOnIntegers(Int8Kernel.Avx2);

    [Int8KernelFact(Int8Kernel.Float32Reference)]
    public void Float32_reference_products_of_integer_valued_inputs_are_exact() => ExactOnIntegers(Int8Kernel.Float32Reference);

    /// <summary>Both integer kernels form the same exact int32 sums from the same quantised rows, so their outputs are identical.</summary>
    [Int8KernelFact(Int8Kernel.AvxVnni)]
    public void AvxVnni_and_Avx2_give_identical_outputs()
    {
        using var vnni = new CpuBackend(2, Int8Kernel.AvxVnni);
        using var avx2 = new CpuBackend(2, Int8Kernel.Avx2);
        Shapes.Sample((m, n, k, seed) =>
        {
            var random = new Random(seed);
            var x = Values(random, m * k, 4);
            var w = Values(random, n * k, 1);
            Assert.Equal(Run(vnni, x, w, m, n, k), Run(avx2, x, w, m, n, k));
        }, iter: 20);
    }

    /// <summary>
    /// The native 512-bit kernel forms the same exact int32 sums as the 256-bit one (whole 6-row tiles over panel pairs
    /// go native, the rest stays managed), so outputs are identical, encoder-sized shapes included.
    /// </summary>
    [Int8KernelFact(Int8Kernel.Avx512Vnni)]
    public void Avx512Vnni_and_AvxVnni_give_identical_outputs()
    {
        using var wide = new CpuBackend(2, Int8Kernel.Avx512Vnni);
        using var narrow = new CpuBackend(2, Int8Kernel.AvxVnni);
        Gen.OneOf(Shapes, Gen.Select(Gen.Int[300, 1500], Gen.Int[60, 200], Gen.Int[500, 1100], Gen.Int[0, 100000])).Sample((m, n, k, seed) =>
        {
            var random = new Random(seed);
            var x = Values(random, m * k, 4);
            var w = Values(random, n * k, 1);
            Assert.Equal(Run(narrow, x, w, m, n, k), Run(wide, x, w, m, n, k));
        }, iter: 20);
    }

    [Fact]
    public void Auto_picks_the_widest_integer_kernel_this_cpu_runs()
    {
        using var backend = new CpuBackend(1);
        var expected = Int8KernelSelection.IsSupported(Int8Kernel.Avx512Vnni) ? Int8Kernel.Avx512Vnni
            : Int8KernelSelection.IsSupported(Int8Kernel.AvxVnni) ? Int8Kernel.AvxVnni
            : Int8KernelSelection.IsSupported(Int8Kernel.Avx2) ? Int8Kernel.Avx2 : Int8Kernel.Float32Reference;
        Assert.Equal(expected, backend.Int8);
        using var forced = new CpuBackend(1, Int8Kernel.Float32Reference);
        Assert.Equal(Int8Kernel.Float32Reference, forced.Int8);
    }

    /// <summary>Decoder steps (1–8 rows), odd sizes, K past one block, several row chunks, and wide one-row GEMVs.</summary>
    private static readonly Gen<(int M, int N, int K, int Seed)> Shapes = Gen.OneOf(
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 130], Gen.Int[1, 700], Gen.Int[0, 100000]),
        Gen.Select(Gen.Int[9, 210], Gen.Int[1, 70], Gen.Int[1, 300], Gen.Int[0, 100000]),
        Gen.Select(Gen.Const(1), Gen.Int[500, 600], Gen.Int[1, 80], Gen.Int[0, 100000]));

    private static void WithinBound(Int8Kernel kernel)
    {
        using var backend = new CpuBackend(2, kernel);
        Shapes.Sample((m, n, k, seed) =>
        {
            var random = new Random(seed);
            // A few large entries per row, as real activations have, so the scales are not all alike.
            var x = Values(random, m * k, 4);
            var w = Values(random, n * k, 1);
            var y = Run(backend, x, w, m, n, k);
            for (var r = 0; r < m; r++)
            {
                var sa = MaxAbs(x.AsSpan(r * k, k)) / 127;
                for (var o = 0; o < n; o++)
                {
                    var sw = MaxAbs(w.AsSpan(o * k, k)) / 127;
                    double exact = 0, sumX = 0, sumW = 0, sumXw = 0;
                    for (var i = 0; i < k; i++)
                    {
                        double xi = x[r * k + i], wi = w[o * k + i];
                        exact += xi * wi;
                        sumX += Math.Abs(xi);
                        sumW += sw > 0 ? Math.Abs(sw * Math.Round(wi / sw)) : 0;
                        sumXw += Math.Abs(xi * wi);
                    }
                    var activationTerm = kernel == Int8Kernel.Float32Reference ? 0 : sa / 2 * sumW;
                    var bound = sw / 2 * sumX + activationTerm + 1e-5 * sumXw + 1e-6;
                    Assert.InRange(Math.Abs(y[r * n + o] - exact), 0, bound);
                }
            }
        }, iter: 40);
    }

    private static void ExactOnIntegers(Int8Kernel kernel)
    {
        using var backend = new CpuBackend(2, kernel);
        Shapes.Sample((m, n, k, seed) =>
        {
            var random = new Random(seed);
            // Integers in [−127, 127] with ±127 in every row: both scales are 1, quantisation loses nothing, and the
            // integer sums (|Σ| < 2²⁴) convert to float exactly.
            var x = Integers(random, m, k);
            var w = Integers(random, n, k);
            var y = Run(backend, x, w, m, n, k);
            for (var r = 0; r < m; r++)
                for (var o = 0; o < n; o++)
                {
                    long exact = 0;
                    for (var i = 0; i < k; i++) exact += (long)x[r * k + i] * (long)w[o * k + i];
                    Assert.Equal(exact, (long)y[r * n + o]);
                }
        }, iter: 40);
    }

    private static float[] Run(CpuBackend backend, float[] x, float[] w, int m, int n, int k) => LinearOp.Run(backend, x, w, m, n, k, TensorDType.Int8);

    private static float[] Values(Random random, int count, float outlier)
    {
        var v = new float[count];
        for (var i = 0; i < count; i++) v[i] = (float)(random.NextDouble() * 2 - 1) * (random.Next(50) == 0 ? outlier : 1);
        return v;
    }

    private static float[] Integers(Random random, int rows, int k)
    {
        var v = new float[rows * k];
        for (var r = 0; r < rows; r++)
        {
            for (var i = 0; i < k; i++) v[r * k + i] = random.Next(-127, 128);
            v[r * k + random.Next(k)] = random.Next(2) == 0 ? 127 : -127;
        }
        return v;
    }

    private static double MaxAbs(ReadOnlySpan<float> values)
    {
        double max = 0;
        foreach (var v in values) max = Math.Max(max, Math.Abs(v));
        return max;
    }
}

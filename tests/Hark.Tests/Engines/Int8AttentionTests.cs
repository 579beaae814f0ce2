using CsCheck;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

/// <summary>
/// The encoder's int8 attention (<c>CpuBackend.Int8Attention</c>) against attention computed in double precision on
/// the original float values. Error bound per output <c>o[i, d]</c>, from the three roundings the kernel makes:
/// <list type="bullet">
/// <item>scores: q and k quantised per row (<c>|e| ≤ s/2</c>), so <c>|Δs_ij| ≤ ε_ij = (s_k/2)·Σ|q| + (s_q/2)·Σ|k̂|</c>
/// (the integer sum is exact); after the scale, every log-probability moves by at most <c>η = 2·scale·max_j ε_ij</c>
/// (its own score and the normaliser), so <c>Σ_j |P'_j − P_j| ≤ e^η − 1</c>;</item>
/// <item>probabilities: each numerator <c>e_j ∈ (0, 1]</c> is rounded to a multiple of 1/255 and the row renormalised
/// by its own sum <c>Ê</c>, so <c>Σ_j |P̂_j − P'_j| ≤ T / (255·Ê)</c>, with <c>Ê ≥ max(1, E·e^{−η} − T/510)</c>
/// where <c>E = Σ_j exp(scale·(s_j − max))</c>;</item>
/// <item>values: per channel, <c>|Δv| ≤ s_v/2</c>.</item>
/// </list>
/// Hence <c>|Δo_d| ≤ max_j|v_jd|·(e^η − 1 + T/(255·Ê)) + s_v,d/2</c>, plus float32 rounding (1e-5·max|v|).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class Int8AttentionTests
{
    /// <summary>Head widths: the narrowest the path takes, the test preset's, Whisper's.</summary>
    private static readonly int[] HeadDims = [8, 32, 64];

    private static readonly Gen<(int T, int Heads, int HeadDim, int Seed)> Shapes =
        Gen.Select(Gen.Int[32, 260], Gen.Int[1, 3], Gen.Int[0, 2].Select(i => HeadDims[i]), Gen.Int);

    [Int8KernelFact(Int8Kernel.AvxVnni)]
    public void Int8_attention_stays_within_the_quantisation_bound_for_any_shape()
    {
        using var backend = new CpuBackend(2, Int8Kernel.AvxVnni) { Int8Attention = true };
        Shapes.Sample((t, heads, headDim, seed) =>
        {
            var random = new Random(seed);
            var d = heads * headDim;
            var q = Values(random, t * d);
            var k = Values(random, t * d);
            var v = Values(random, t * d);
            var scale = 1f / MathF.Sqrt(headDim);
            var o = Run(backend, q, k, v, t, d, heads, scale);
            for (var h = 0; h < heads; h++)
            {
                var vMax = new double[headDim];
                for (var j = 0; j < t; j++)
                    for (var c = 0; c < headDim; c++) vMax[c] = Math.Max(vMax[c], Math.Abs(v[j * d + h * headDim + c]));
                for (var i = 0; i < t; i++)
                {
                    var (reference, eta, sum) = Reference(q, k, v, i, h, t, d, headDim, scale);
                    var byteSum = Math.Max(1, sum * Math.Exp(-eta) - t / 510.0);
                    var probabilityError = Math.Exp(eta) - 1 + t / (255 * byteSum);
                    for (var c = 0; c < headDim; c++)
                    {
                        var bound = vMax[c] * probabilityError + vMax[c] / 254 + 1e-5 * vMax[c];
                        var error = Math.Abs(o[i * d + h * headDim + c] - reference[c]);
                        Assert.True(error <= bound, $"T={t} heads={heads} headDim={headDim} o[{i},{h},{c}]: |Δ| {error:G4} > bound {bound:G4}");
                    }
                }
            }
        }, iter: 12);
    }

    /// <summary>Measured, not derived: on random data the error is far inside the worst-case bound (about 1 % of max |o|).</summary>
    [Int8KernelFact(Int8Kernel.AvxVnni)]
    public void Int8_attention_is_close_to_float32_attention_on_random_data()
    {
        using var int8 = new CpuBackend(1, Int8Kernel.AvxVnni) { Int8Attention = true };
        using var fp32 = new CpuBackend(1, Int8Kernel.AvxVnni);
        var random = new Random(7);
        const int t = 300, heads = 4, headDim = 64, d = heads * headDim;
        var (q, k, v) = (Values(random, t * d), Values(random, t * d), Values(random, t * d));
        var expected = Run(fp32, q, k, v, t, d, heads, 0.125f);
        var actual = Run(int8, q, k, v, t, d, heads, 0.125f);
        var maxError = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxError <= 0.05 * expected.Max(Math.Abs), $"max |Δ| {maxError} against max |o| {expected.Max(Math.Abs)}");
    }

    /// <summary>
    /// Each byte is 255·exp(s − max) rounded (±1 for the exponential's own error at a rounding tie), the largest is 255,
    /// bytes past the row up to the padding are zero, and the returned sum is the bytes' sum.
    /// </summary>
    [Fact]
    public unsafe void Softmax_numerators_become_rounded_bytes_summing_to_the_returned_total()
    {
        var random = new Random(11);
        foreach (var t in new[] { 1, 15, 64, 100, 1500 })
        {
            var padded = (t + 3) / 4 * 4;
            var acc = new int[t + 64];
            var factors = new float[t + 64];
            var biases = new int[t + 64];
            for (var j = 0; j < t; j++)
            {
                acc[j] = random.Next(-4000, 4000);
                biases[j] = random.Next(-100, 100);
                factors[j] = (float)(random.NextDouble() * 0.01);
            }
            var expected = new double[t];
            for (var j = 0; j < t; j++) expected[j] = (double)(float)((float)(acc[j] - biases[j]) * factors[j] * 0.5f);
            var top = expected.Max();
            var bytes = new byte[padded + 64];
            Array.Fill(bytes, (byte)7);
            float total;
            fixed (int* a = acc)
            fixed (float* f = factors)
            fixed (int* b = biases)
            fixed (byte* d = bytes)
                total = Int8AttentionJob.SoftmaxToBytes(a, f, b, 0.5f, t, padded, d);
            for (var j = 0; j < t; j++)
                Assert.InRange(bytes[j], Math.Round(255 * Math.Exp(expected[j] - top)) - 1, Math.Round(255 * Math.Exp(expected[j] - top)) + 1);
            var argmax = Array.IndexOf(expected, top);
            Assert.True(bytes[argmax] == 255, $"T={t}: the largest score's byte is {bytes[argmax]} at {argmax}");
            Assert.All(bytes[t..padded], value => Assert.Equal(0, value));
            Assert.Equal(bytes.Take(t).Sum(value => value), (int)total);
        }
    }

    /// <summary>Decoder steps (few queries) are float32 whatever the flag says: same bits as without it.</summary>
    [Int8KernelFact(Int8Kernel.AvxVnni)]
    public void Short_query_blocks_stay_float32()
    {
        using var int8 = new CpuBackend(1, Int8Kernel.AvxVnni) { Int8Attention = true };
        using var fp32 = new CpuBackend(1, Int8Kernel.AvxVnni);
        var random = new Random(3);
        const int t = 8, heads = 2, d = 64;
        var (q, k, v) = (Values(random, t * d), Values(random, t * d), Values(random, t * d));
        Assert.Equal(Run(fp32, q, k, v, t, d, heads, 0.25f), Run(int8, q, k, v, t, d, heads, 0.25f));
    }

    private static float[] Run(CpuBackend backend, float[] q, float[] k, float[] v, int t, int d, int heads, float scale)
    {
        using var qt = backend.Allocate(t, d);
        using var kt = backend.Allocate(t, d);
        using var vt = backend.Allocate(t, d);
        using var ot = backend.Allocate(t, d);
        backend.Upload(q, TensorView.Of(qt));
        backend.Upload(k, TensorView.Of(kt));
        backend.Upload(v, TensorView.Of(vt));
        backend.Attention(new AttentionArgs
        {
            Query = TensorView.Of(qt), Keys = kt, Values = vt, Output = TensorView.Of(ot), KvStride = t, KvLength = t, KvIndex = [0],
            QueriesPerSequence = t, Heads = heads, Scale = scale,
        });
        var o = new float[t * d];
        backend.Download(TensorView.Of(ot), o);
        return o;
    }

    /// <summary>Double-precision attention of query <paramref name="i"/> in head <paramref name="h"/>, with η and E of the bound.</summary>
    private static (double[] Output, double Eta, double Sum) Reference(float[] q, float[] k, float[] v, int i, int h, int t, int d, int headDim, float scale)
    {
        var qRow = q.AsSpan(i * d + h * headDim, headDim);
        var qMax = Max(qRow);
        var qAbs = Sum(qRow);
        var scores = new double[t];
        var maxEpsilon = 0.0;
        for (var j = 0; j < t; j++)
        {
            var kRow = k.AsSpan(j * d + h * headDim, headDim);
            var kMax = Max(kRow);
            double s = 0, kAbs = 0;
            for (var c = 0; c < headDim; c++)
            {
                s += (double)qRow[c] * kRow[c];
                kAbs += kMax == 0 ? 0 : Math.Abs(Math.Round(kRow[c] * 127.0 / kMax) * kMax / 127);
            }
            scores[j] = s;
            maxEpsilon = Math.Max(maxEpsilon, kMax / 254 * qAbs + qMax / 254 * kAbs);
        }
        var top = scores.Max();
        var weights = scores.Select(s => Math.Exp(scale * (s - top))).ToArray();
        var sum = weights.Sum();
        var output = new double[headDim];
        for (var j = 0; j < t; j++)
            for (var c = 0; c < headDim; c++) output[c] += weights[j] / sum * v[j * d + h * headDim + c];
        return (output, 2 * scale * maxEpsilon, sum);
    }

    private static double Max(ReadOnlySpan<float> x)
    {
        var m = 0.0;
        foreach (var value in x) m = Math.Max(m, Math.Abs(value));
        return m;
    }

    private static double Sum(ReadOnlySpan<float> x)
    {
        var s = 0.0;
        foreach (var value in x) s += Math.Abs(value);
        return s;
    }

    private static float[] Values(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * 2).ToArray();
}

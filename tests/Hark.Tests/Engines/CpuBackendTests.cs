using CsCheck;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

[Collection(EngineCollection.Name)]
public sealed class CpuBackendTests
{
    [Theory]
    [InlineData(TensorDType.Float32, 1e-5)]
    [InlineData(TensorDType.Float16, 2e-3)]
    [InlineData(TensorDType.BFloat16, 1e-2)]
    [InlineData(TensorDType.Int8, 2e-2)]
    public void Linear_matches_a_double_loop_for_any_shape(TensorDType storage, double tolerance)
    {
        using var backend = new CpuBackend(2);
        Gen.Select(Gen.Int[1, 20], Gen.Int[1, 100], Gen.Int[1, 300], Gen.Int[0, 1000]).Sample((m, n, k, seed) =>
        {
            var random = new Random(seed);
            var x = Enumerable.Range(0, m * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var w = Enumerable.Range(0, n * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var bias = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
            using var xt = backend.Allocate(m, k);
            using var bt = backend.Allocate(1, n);
            using var yt = backend.Allocate(m, n);
            using var wt = backend.CreateLinearWeight(w, n, k, storage);
            backend.Upload(x, TensorView.Of(xt));
            backend.Upload(bias, TensorView.Of(bt));
            backend.Linear(TensorView.Of(xt), wt, bt, TensorView.Of(yt));
            var y = new float[m * n];
            backend.Download(TensorView.Of(yt), y);
            for (var r = 0; r < m; r++)
                for (var o = 0; o < n; o++)
                {
                    double expected = bias[o];
                    for (var i = 0; i < k; i++) expected += (double)x[r * k + i] * w[o * k + i];
                    // Error bound scales with the sum of |terms|, the natural yardstick of a dot product.
                    Assert.InRange(Math.Abs(y[r * n + o] - expected), 0, tolerance * (Math.Sqrt(k) + 1));
                }
        }, iter: 40);
    }

    [Fact]
    public void Gelu_uses_the_erf_form()
    {
        using var backend = new CpuBackend(1);
        using var t = backend.Allocate(1, 5);
        float[] x = [-3f, -1f, 0f, 0.5f, 2f];
        backend.Upload(x, TensorView.Of(t));
        backend.Gelu(TensorView.Of(t), TensorView.Of(t));
        var y = new float[5];
        backend.Download(TensorView.Of(t), y);
        for (var i = 0; i < 5; i++) Assert.Equal(0.5 * x[i] * (1 + NaiveWhisper.Erf(x[i] / Math.Sqrt(2))), y[i], 6);
    }

    [Fact]
    public void A_non_finite_weight_is_an_input_error()
    {
        using var backend = new CpuBackend(1);
        Assert.Throws<HarkInputException>(() => backend.CreateLinearWeight([1f, float.NaN], 1, 2, TensorDType.Float16));
    }
}

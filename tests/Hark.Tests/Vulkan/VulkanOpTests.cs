using CsCheck;
using Hark.Engines.Backends;
using static Hark.Tests.Vulkan.VulkanOpTestKit;

namespace Hark.Tests.Vulkan;

/// <summary>Every shader against the CPU backend on random shapes, sizes that are not multiples of the tiles included.</summary>
public sealed class VulkanOpTests(BackendPair pair) : IClassFixture<BackendPair>
{
    private IOpBackend Gpu => pair.Vulkan;
    private IOpBackend Cpu => pair.Cpu;

    [VulkanTheory]
    [InlineData(TensorDType.Float32, false)]
    [InlineData(TensorDType.Float16, false)]
    [InlineData(TensorDType.Float16, true)]
    [InlineData(TensorDType.BFloat16, false)]
    [InlineData(TensorDType.Int8, false)]
    public void Linear_matches_the_cpu_backend_for_odd_shapes_bias_gelu_and_accumulate(TensorDType storage, bool halfArithmetic)
    {
        var gpu = halfArithmetic ? pair.Vulkan : pair.VulkanFloat32Arithmetic;
        // Half arithmetic is the default wherever the device has shader float16 (lavapipe does).
        Assert.Equal(gpu.DeviceInfo.Float16 && halfArithmetic, gpu.HalfArithmetic);
        // fp16 tiles round x to 11 bits and sum 16-deep slices in fp16, whose partial sums (up to ~4 here) round at
        // 2⁻¹¹ of their own size at every step: stated tolerance 5e-3·√K relative (the largest in 3600 samples on
        // lavapipe: 1.3e-3·√K).
        var tolerance = gpu.HalfArithmetic ? 5e-3 : 1e-5;
        Gen.Select(Gen.Int[1, 70], Gen.Int[1, 130], Gen.Int[1, 150], Gen.Int[0, 3], Gen.Int[0, 10_000]).Sample((m, n, k, mode, seed) =>
        {
            var random = new Random(seed);
            var x = RandomValues(random, m * k);
            var w = RandomValues(random, n * k);
            var bias = RandomValues(random, n);
            var y0 = RandomValues(random, m * n);
            var activation = (mode & 1) == 1 ? Activation.Gelu : Activation.None;
            var accumulate = (mode & 2) == 2;
            var results = new List<float[]>();
            foreach (var b in new IOpBackend[] { Cpu, gpu })
            {
                using var xt = Tensor(b, x, m, k);
                using var bt = Tensor(b, bias, 1, n);
                using var yt = Tensor(b, y0, m, n);
                using var wt = b.CreateLinearWeight(w, n, k, storage);
                b.Linear(TensorView.Of(xt), wt, mode == 0 ? null : bt, TensorView.Of(yt), activation, accumulate);
                results.Add(Read(b, yt));
            }
            Close(results[0], results[1], tolerance * Math.Sqrt(k), $"linear {storage} half {gpu.HalfArithmetic} [{m}×{k}]·[{n}×{k}]ᵀ mode {mode}");
        }, iter: halfArithmetic ? 100 : 12);
    }

    [VulkanFact]
    public void Linear_on_row_views_reads_and_writes_only_those_rows()
    {
        var random = new Random(3);
        int rows = 9, k = 17, n = 13;
        var x = RandomValues(random, rows * k);
        var w = RandomValues(random, n * k);
        var results = new List<float[]>();
        foreach (var b in new[] { Cpu, Gpu })
        {
            using var xt = Tensor(b, x, rows, k);
            using var yt = b.Allocate(rows, n);
            using var wt = b.CreateLinearWeight(w, n, k, TensorDType.Float32);
            b.Linear(TensorView.Of(xt, 2, 5), wt, null, TensorView.Of(yt, 3, 5));
            results.Add(Read(b, yt));
        }
        Close(results[0], results[1], 1e-5, "linear on views");
    }

    [VulkanTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void Conv1d_k3_matches_the_cpu_backend(int stride)
    {
        Gen.Select(Gen.Int[1, 90], Gen.Int[1, 40], Gen.Int[1, 70], Gen.Int[0, 10_000]).Sample((length, inChannels, outChannels, seed) =>
        {
            var random = new Random(seed);
            var x = RandomValues(random, length * inChannels);
            var w = RandomValues(random, outChannels * inChannels * 3);
            var bias = RandomValues(random, outChannels);
            var outLength = (length + stride - 1) / stride;
            var results = new List<float[]>();
            foreach (var b in new[] { Cpu, Gpu })
            {
                using var xt = Tensor(b, x, length, inChannels);
                using var bt = Tensor(b, bias, 1, outChannels);
                using var yt = b.Allocate(outLength, outChannels);
                using var wt = b.CreateConv1dWeight(w, outChannels, inChannels, 3, TensorDType.Float32);
                b.Conv1d(TensorView.Of(xt), wt, bt, TensorView.Of(yt), stride, Activation.Gelu);
                results.Add(Read(b, yt));
            }
            Close(results[0], results[1], 1e-5 * Math.Sqrt(3 * inChannels), $"conv1d stride {stride} T {length} {inChannels}→{outChannels}");
        }, iter: 10);
    }

    [VulkanFact]
    public void Row_ops_layernorm_softmax_gelu_add_transpose_match_the_cpu_backend()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 700], Gen.Int[0, 10_000]).Sample((rows, columns, seed) =>
        {
            var random = new Random(seed);
            var x = RandomValues(random, rows * columns, 4f);
            var other = RandomValues(random, rows * columns);
            var gamma = RandomValues(random, columns);
            var beta = RandomValues(random, columns);
            var results = new List<float[][]>();
            foreach (var b in new[] { Cpu, Gpu })
            {
                using var xt = Tensor(b, x, rows, columns);
                using var ot = Tensor(b, other, rows, columns);
                using var g = Tensor(b, gamma, 1, columns);
                using var be = Tensor(b, beta, 1, columns);
                using var norm = b.Allocate(rows, columns);
                using var soft = Tensor(b, x, rows, columns);
                using var gelu = b.Allocate(rows, columns);
                using var sum = b.Allocate(rows, columns);
                using var transposed = b.Allocate(columns, rows);
                using var inPlace = Tensor(b, x, rows, columns);
                b.LayerNorm(TensorView.Of(xt), g, be, TensorView.Of(norm), 1e-5f);
                b.LayerNorm(TensorView.Of(inPlace), g, be, TensorView.Of(inPlace), 1e-5f);
                b.Softmax(TensorView.Of(soft));
                b.Gelu(TensorView.Of(xt), TensorView.Of(gelu));
                b.Add(TensorView.Of(xt), TensorView.Of(ot), TensorView.Of(sum));
                b.Transpose(TensorView.Of(xt), TensorView.Of(transposed));
                results.Add([Read(b, norm), Read(b, inPlace), Read(b, soft), Read(b, gelu), Read(b, sum), Read(b, transposed)]);
            }
            string[] names = ["layernorm", "layernorm in place", "softmax", "gelu", "add", "transpose"];
            for (var i = 0; i < names.Length; i++) Close(results[0][i], results[1][i], 2e-5, $"{names[i]} [{rows}×{columns}]");
        }, iter: 10);
    }

    [VulkanTheory]
    [InlineData(TensorDType.Float32)]
    [InlineData(TensorDType.Float16)]
    [InlineData(TensorDType.BFloat16)]
    [InlineData(TensorDType.Int8)]
    public void Gather_reads_rows_of_weights_of_any_storage_and_accumulates(TensorDType storage)
    {
        var random = new Random((int)storage + 11);
        int tableRows = 37, columns = 301, count = 7;
        var table = RandomValues(random, tableRows * columns);
        var dense = RandomValues(random, tableRows * columns);
        int[] rows = [0, 36, 5, 5, 17, 2, 30];
        var results = new List<float[]>();
        foreach (var b in new[] { Cpu, Gpu })
        {
            using var weight = b.CreateLinearWeight(table, tableRows, columns, storage);
            using var positions = Tensor(b, dense, tableRows, columns);
            using var y = b.Allocate(count + 2, columns);
            b.Gather(weight, rows, TensorView.Of(y, 1, count), accumulate: false);
            b.Gather(positions, rows, TensorView.Of(y, 1, count), accumulate: true);
            results.Add(Read(b, y));
        }
        Close(results[0], results[1], 1e-6, $"gather {storage}");
    }

    [VulkanFact]
    public void CopyRows_moves_blocks_between_tensors()
    {
        var random = new Random(5);
        var source = RandomValues(random, 20 * 13);
        var results = new List<float[]>();
        foreach (var b in new[] { Cpu, Gpu })
        {
            using var s = Tensor(b, source, 20, 13);
            using var d = b.Allocate(31, 13);
            b.CopyRows(s, [0, 7, 15], d, [28, 3, 10], 3);
            results.Add(Read(b, d));
        }
        Assert.Equal(results[0], results[1]);
    }
}

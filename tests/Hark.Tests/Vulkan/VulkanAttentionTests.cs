using CsCheck;
using Hark.Engines.Backends;
using static Hark.Tests.Vulkan.VulkanOpTestKit;

namespace Hark.Tests.Vulkan;

/// <summary>The fused attention shader against the CPU backend: encoder-length self-attention, causal KV caches, cross.</summary>
public sealed class VulkanAttentionTests(BackendPair pair) : IClassFixture<BackendPair>
{
    private (float[] Output, float[] Recorded) Run(IOpBackend b, float[] q, float[] k, float[] v, int d, int heads, int entries, int kvStride,
        int kvLength, int[] kvIndex, int tq, bool causal, int[] recordHeads)
    {
        var rows = kvIndex.Length * tq;
        using var qt = Tensor(b, q, rows, d);
        using var kt = Tensor(b, k, entries * kvStride, d);
        using var vt = Tensor(b, v, entries * kvStride, d);
        using var ot = b.Allocate(rows, d);
        // Recorded rows are wider than KvLength (a session's window), so the row stride is exercised too.
        using var recorded = b.Allocate(Math.Max(1, recordHeads.Length * rows), kvLength + 5);
        b.Attention(new AttentionArgs
        {
            Query = TensorView.Of(qt), Keys = kt, Values = vt, Output = TensorView.Of(ot), KvStride = kvStride, KvLength = kvLength,
            KvIndex = kvIndex, QueriesPerSequence = tq, Heads = heads, Scale = 1f / MathF.Sqrt(d / heads), Causal = causal,
            RecordHeads = recordHeads, Recorded = TensorView.Of(recorded),
        });
        return (Read(b, ot), Read(b, recorded));
    }

    private void Compare(int d, int heads, int entries, int kvStride, int kvLength, int[] kvIndex, int tq, bool causal, int[] recordHeads, int seed)
    {
        var random = new Random(seed);
        var q = RandomValues(random, kvIndex.Length * tq * d, 2f);
        var k = RandomValues(random, entries * kvStride * d, 2f);
        var v = RandomValues(random, entries * kvStride * d);
        var cpu = Run(pair.Cpu, q, k, v, d, heads, entries, kvStride, kvLength, kvIndex, tq, causal, recordHeads);
        var gpu = Run(pair.Vulkan, q, k, v, d, heads, entries, kvStride, kvLength, kvIndex, tq, causal, recordHeads);
        var what = $"attention d {d} heads {heads} kv {kvLength}/{kvStride} tq {tq} causal {causal}";
        Close(cpu.Output, gpu.Output, 2e-5, what);
        Close(cpu.Recorded, gpu.Recorded, 2e-5, what + " recorded");
    }

    [VulkanFact]
    public void Encoder_self_attention_over_1500_positions_matches_the_cpu_backend() =>
        Compare(d: 64, heads: 1, entries: 1, kvStride: 1500, kvLength: 1500, kvIndex: [0], tq: 1500, causal: false, recordHeads: [], seed: 1);

    [VulkanFact]
    public void Causal_attention_on_a_kv_cache_with_recorded_heads_matches_the_cpu_backend() =>
        Compare(d: 48, heads: 3, entries: 3, kvStride: 20, kvLength: 9, kvIndex: [2, 0, 1], tq: 2, causal: true, recordHeads: [2, 0], seed: 2);

    [VulkanFact]
    public void Random_attention_shapes_match_the_cpu_backend()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 40], Gen.Int[1, 150], Gen.Int[1, 3], Gen.Bool, Gen.Int[0, 10_000]).Sample((heads, headDim, kvLength, tq, causal, seed) =>
        {
            var sequences = 1 + seed % 3;
            var kvIndex = Enumerable.Range(0, sequences).Select(i => (i + seed) % 2).ToArray();
            Compare(heads * headDim, heads, 2, kvLength + 3, Math.Max(kvLength, tq), kvIndex, tq, causal, seed % 2 == 0 ? [] : [heads - 1], seed);
        }, iter: 12);
    }

    [VulkanTheory]
    [InlineData(1, true, 0, true)]
    [InlineData(40, false, 0, true)]
    [InlineData(40, true, 0, true)]
    [InlineData(40, true, 7, true)]
    [InlineData(1, true, 7, false)]
    [InlineData(40, false, 0, false)]
    public void Float16_keys_and_values_written_by_linear_and_copy_rows_match_the_cpu_backend(int tq, bool causal, int chunkRows, bool direct)
    {
        // chunkRows > 0 writes K/V a few rows at a time (row views, the few-row GEMV as in decoder steps); direct
        // writes float16 through 16-bit storage, else through float32 scratch and a packing pass.
        var gpu = direct ? pair.Vulkan : pair.VulkanPackedFloat16;
        Assert.Equal(direct && gpu.DeviceInfo.Storage16Bit, gpu.Float16Writes);
        int d = 64, heads = 2, kvLength = 70, sequences = 2;
        var random = new Random(tq);
        var x = RandomValues(random, sequences * kvLength * d);
        var wk = RandomValues(random, d * d, 0.3f);
        var wv = RandomValues(random, d * d, 0.3f);
        var q = RandomValues(random, sequences * tq * d, 2f);
        var results = new List<float[]>();
        foreach (var b in new IOpBackend[] { pair.Cpu, gpu })
        {
            using var xt = Tensor(b, x, sequences * kvLength, d);
            using var kw = b.CreateLinearWeight(wk, d, d, TensorDType.Float32);
            using var vw = b.CreateLinearWeight(wv, d, d, TensorDType.Float32);
            using var k16 = b.Allocate(sequences * kvLength, d, TensorDType.Float16);
            using var v16 = b.Allocate(sequences * kvLength, d, TensorDType.Float16);
            using var kCache = b.Allocate(sequences * (kvLength + 3), d, TensorDType.Float16);
            using var vCache = b.Allocate(sequences * (kvLength + 3), d, TensorDType.Float16);
            var rows = sequences * kvLength;
            var chunk = chunkRows > 0 ? chunkRows : rows;
            for (var start = 0; start < rows; start += chunk)
            {
                var count = Math.Min(chunk, rows - start);
                b.Linear(TensorView.Of(xt, start, count), kw, null, TensorView.Of(k16, start, count));
                b.Linear(TensorView.Of(xt, start, count), vw, null, TensorView.Of(v16, start, count));
            }
            b.CopyRows(k16, [0, kvLength], kCache, [kvLength + 3, 0], kvLength);
            b.CopyRows(v16, [0, kvLength], vCache, [kvLength + 3, 0], kvLength);
            using var qt = Tensor(b, q, sequences * tq, d);
            using var ot = b.Allocate(sequences * tq, d);
            b.Attention(new AttentionArgs
            {
                Query = TensorView.Of(qt), Keys = kCache, Values = vCache, Output = TensorView.Of(ot), KvStride = kvLength + 3, KvLength = kvLength,
                KvIndex = [1, 0], QueriesPerSequence = tq, Heads = heads, Scale = 0.125f, Causal = causal,
            });
            results.Add(Read(b, ot));
        }
        Close(results[0], results[1], 1e-4, $"float16 K/V attention tq {tq} causal {causal} chunk {chunkRows} direct {direct}");
    }
}

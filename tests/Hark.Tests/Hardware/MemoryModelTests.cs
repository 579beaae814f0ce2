using CsCheck;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Hardware;

namespace Hark.Tests.Hardware;

public class MemoryModelTests
{
    public static TheoryData<string> Presets => new(WhisperPresets.Names);

    [Theory]
    [MemberData(nameof(Presets))]
    public void Float_weights_are_parameter_count_times_element_size(string preset)
    {
        var c = WhisperPresets.Get(preset);
        var parameters = WhisperPresets.ParameterCount(c);
        Assert.Equal(parameters * 4, MemoryModel.WeightBytes(c, ComputePrecision.Float32));
        Assert.Equal(parameters * 2, MemoryModel.WeightBytes(c, ComputePrecision.Float16, DeviceKind.Rocm));
        Assert.Equal(parameters * 2, MemoryModel.WeightBytes(c, ComputePrecision.BFloat16, DeviceKind.Cuda));
        // On the CPU vectors and position tables stay float32.
        long vectorsAndPositions = WhisperTensorLayout.Enumerate(c)
            .Where(t => t.Shape.Length == 1 || t.Name.Contains("positions", StringComparison.Ordinal))
            .Sum(t => t.Shape.Aggregate(1L, (x, y) => x * y));
        Assert.Equal(parameters * 2 + vectorsAndPositions * 2, MemoryModel.WeightBytes(c, ComputePrecision.Float16));
    }

    [Fact]
    public void Int8_weights_are_about_a_quarter_of_float32()
    {
        var c = WhisperPresets.Get("large-v3");
        var ratio = MemoryModel.WeightBytes(c, ComputePrecision.Int8) / (double)MemoryModel.WeightBytes(c, ComputePrecision.Float32);
        Assert.InRange(ratio, 0.25, 0.27);
        var int4 = MemoryModel.WeightBytes(c, ComputePrecision.Int4) / (double)MemoryModel.WeightBytes(c, ComputePrecision.Float32);
        Assert.InRange(int4, 0.15, 0.17);
    }

    [Fact]
    public void Kv_caches_follow_the_documented_formulas()
    {
        var c = WhisperPresets.Get("small");
        var e = MemoryModel.Estimate(c, ComputePrecision.Float16, batch: 3, beamSize: 5, new MemoryModelOptions { Device = DeviceKind.Rocm });
        Assert.Equal(12L * 2 * (3 * 5) * 448 * 768 * 2, e.SelfAttentionCacheBytes);
        Assert.Equal(12L * 2 * 3 * 1500 * 768 * 2, e.CrossAttentionCacheBytes);
        Assert.Equal(3L * 1500 * 768 * 2, e.EncoderOutputBytes);
        Assert.Equal(512L << 20, e.RuntimeOverheadBytes);
        Assert.Equal(0, e.LoadStagingBytes);
        Assert.Equal(e.WeightBytes + e.RuntimeOverheadBytes + Math.Max(e.EncoderActivationBytes, e.DecodePhaseBytes), e.TotalBytes);

        // The managed CPU engine keeps half-precision KV caches too.
        var cpu = MemoryModel.Estimate(c, ComputePrecision.Float16, 3, 5);
        Assert.Equal(e.SelfAttentionCacheBytes, cpu.SelfAttentionCacheBytes);
        Assert.Equal(2 * e.SelfAttentionCacheBytes, MemoryModel.Estimate(c, ComputePrecision.Float32, 3, 5).SelfAttentionCacheBytes);
    }

    [Fact]
    public void Loading_peaks_while_the_embedding_is_packed_beside_its_float32_copy()
    {
        var c = WhisperPresets.Get("tiny");
        var e = MemoryModel.Estimate(c, ComputePrecision.Float16, 1);
        // Loaded before the embedding: the encoder, its matrices and convolutions in half, vectors and positions in float32.
        long encoder = WhisperTensorLayout.Enumerate(c)
            .TakeWhile(t => t.Name != WhisperTensorNames.TokenEmbedding)
            .Sum(t => t.Shape.Aggregate(1L, (x, y) => x * y) * (t.Shape.Length >= 2 && !t.Name.Contains("positions", StringComparison.Ordinal) ? 2 : 4));
        long embedding = 51865L * 384;
        long loadPeak = (48L << 20) + encoder + embedding * 2 + embedding * 4;
        Assert.Equal(loadPeak, e.WeightBytes + e.RuntimeOverheadBytes + e.LoadStagingBytes);
        Assert.Equal(loadPeak, e.TotalBytes);   // for tiny at batch 1 the load is the peak

        // A model whose decoder outweighs the float32 embedding ends bigger than its load peak; GPUs stage in host memory.
        Assert.Equal(0, MemoryModel.Estimate(WhisperPresets.Get("small"), ComputePrecision.Float16, 1).LoadStagingBytes);
        Assert.Equal(0, MemoryModel.Estimate(c, ComputePrecision.Float16, 1, 1, new MemoryModelOptions { Device = DeviceKind.Vulkan }).LoadStagingBytes);
    }

    [Fact]
    public void On_vulkan_the_managed_engine_keeps_float32_activations_and_encodes_windows_one_at_a_time()
    {
        var c = WhisperPresets.Get("small");
        var cpu = MemoryModel.Estimate(c, ComputePrecision.Float16, 4);
        var vulkan = MemoryModel.Estimate(c, ComputePrecision.Float16, 4, 1, new MemoryModelOptions { Device = DeviceKind.Vulkan });
        Assert.Equal(cpu.WeightBytes, vulkan.WeightBytes);
        Assert.Equal(cpu.EncoderActivationBytes, vulkan.EncoderActivationBytes);
        Assert.Equal(cpu.DecodePhaseBytes, vulkan.DecodePhaseBytes);
        Assert.Equal(0, vulkan.LoadStagingBytes);   // weights are staged in host memory, not on the device

        // ONNX Runtime on ROCm runs one float16 graph over the batch: half-width vectors, every head's scores stored.
        var rocm = MemoryModel.Estimate(c, ComputePrecision.Float16, 4, 1, new MemoryModelOptions { Device = DeviceKind.Rocm });
        Assert.True(rocm.WeightBytes < vulkan.WeightBytes);
        Assert.True(rocm.EncoderActivationBytes > 3 * vulkan.EncoderActivationBytes);
    }

    [Fact]
    public void Estimates_never_shrink_with_batch_or_beams_and_grow_with_model_size()
    {
        Gen.Select(Gen.Int[1, 64], Gen.Int[1, 8], Gen.Int[0, 2].Select(i => new[] { ComputePrecision.Float32, ComputePrecision.Float16, ComputePrecision.Int8 }[i]))
            .Sample((batch, beam, precision) =>
            {
                var c = WhisperPresets.Get("base");
                var e = MemoryModel.Estimate(c, precision, batch, beam).TotalBytes;
                // >= for batch: at float16 the load-time staging of the embedding can be the peak of small batches.
                return MemoryModel.Estimate(c, precision, batch + 1, beam).TotalBytes >= e
                       && MemoryModel.Estimate(c, precision, batch + 16, beam).TotalBytes > e
                       && MemoryModel.Estimate(c, precision, batch, beam + 1).TotalBytes >= e   // beams add to the decode phase only
                       && MemoryModel.Estimate(WhisperPresets.Get("small"), precision, batch, beam).TotalBytes > e;
            });
    }

    [Fact]
    public void Max_batch_is_the_largest_batch_that_fits()
    {
        Gen.Select(Gen.Long[200L << 20, 200L << 30], Gen.Int[0, 2].Select(i => new[] { "tiny", "small", "large-v3" }[i]), Gen.Int[1, 5])
            .Sample((available, preset, beam) =>
            {
                var c = WhisperPresets.Get(preset);
                var max = MemoryModel.MaxBatch(c, ComputePrecision.Float16, available, beam);
                var fitsMax = max == 0 || MemoryModel.Estimate(c, ComputePrecision.Float16, max, beam).TotalBytes <= available;
                var nextDoesNot = max == 4096 || MemoryModel.Estimate(c, ComputePrecision.Float16, max + 1, beam).TotalBytes > available;
                return fitsMax && nextDoesNot;
            });
    }

    [Fact]
    public void A_batch_that_does_not_fit_is_refused_naming_the_largest_that_does()
    {
        var c = WhisperPresets.Get("large-v3");
        var twelveGiB = 12L << 30;
        var options = new MemoryModelOptions { Device = DeviceKind.Vulkan };
        var max = MemoryModel.MaxBatch(c, ComputePrecision.Float16, twelveGiB, 1, options);
        Assert.InRange(max, 1, 63);
        var ex = Assert.Throws<HarkInputException>(() =>
            MemoryModel.EnsureFits(c, ComputePrecision.Float16, 64, 1, twelveGiB, "vulkan:0", options));
        Assert.Contains($"a batch of {max} or less fits", ex.Message);
        Assert.DoesNotContain("--", ex.Message);
        Assert.Contains("vulkan:0 has 12.0 GiB", ex.Message);
        MemoryModel.EnsureFits(c, ComputePrecision.Float16, max, 1, twelveGiB, "vulkan:0", options);

        var none = Assert.Throws<HarkInputException>(() => MemoryModel.EnsureFits(c, ComputePrecision.Float32, 1, 1, 1L << 30, "cpu"));
        Assert.Contains("not even batch 1 fits", none.Message);
    }

    [Fact]
    public void Batch_and_beam_below_one_are_rejected()
    {
        var c = WhisperPresets.Get("tiny");
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryModel.Estimate(c, ComputePrecision.Float32, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryModel.Estimate(c, ComputePrecision.Float32, 1, 0));
    }
}

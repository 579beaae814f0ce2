using Hark.Engines.Cpu;
using Hark.Engines;

namespace Hark.Tests.Engines;

[Collection(EngineCollection.Name)]
public sealed class ManagedEnginePrecisionTests
{
    private static readonly Lazy<(float[][] Logits, int[] Greedy)> Fp32 = new(() =>
    {
        using var engine = Load(ComputePrecision.Float32, convertAtLoad: false);
        return (EngineTestData.TeacherForced(engine, out _), EngineTestData.Greedy(engine, 20));
    });

    private static ManagedEngine Load(ComputePrecision precision, bool convertAtLoad) =>
        ManagedEngine.Load(EngineTestData.Config("test"), EngineTestData.Weights("test"),
            new ManagedEngineOptions { Precision = precision, Threads = 2, ConvertWeightsAtLoad = convertAtLoad });

    /// <summary>
    /// Documented tolerances (max |Δlogit| / max |logit| against fp32 on the <c>test</c> preset):
    /// fp16 1e-3, bf16 1e-2, int8 per-row 2.5e-2 (measured 4.8e-4, 3.1e-3, 1.0e-2); the greedy tokens must not change.
    /// </summary>
    [Theory]
    [InlineData(ComputePrecision.Float16, false, 1e-3)]
    [InlineData(ComputePrecision.Float16, true, 1e-3)]
    [InlineData(ComputePrecision.BFloat16, false, 1e-2)]
    [InlineData(ComputePrecision.BFloat16, true, 1e-2)]
    [InlineData(ComputePrecision.Int8, false, 2.5e-2)]
    public void Reduced_precision_stays_within_its_tolerance_and_keeps_the_greedy_tokens(ComputePrecision precision, bool convertAtLoad, double tolerance)
    {
        using var engine = Load(precision, convertAtLoad);

        var logits = EngineTestData.TeacherForced(engine, out _);
        var greedy = EngineTestData.Greedy(engine, 20);

        Assert.Equal(precision, engine.Description.Precision);
        Assert.InRange(EngineTestData.RelativeError(logits, Fp32.Value.Logits), 0, tolerance);
        Assert.Equal(Fp32.Value.Greedy, greedy);
    }

    /// <summary>
    /// bf16 on the widening kernel (float32 activations) and, where the CPU has AVX512-BF16, on VDPBF16PS (activations
    /// rounded to bf16 in encoder-sized ops): both within bf16's tolerance, same greedy tokens.
    /// </summary>
    [BFloat16KernelFact(BFloat16Kernel.Avx512Bf16)]
    public void BFloat16_on_VDPBF16PS_stays_within_its_tolerance() => BFloat16Within(BFloat16Kernel.Avx512Bf16);

    /// <summary>The widening kernel, forced.</summary>
    [Fact]
    public void BFloat16_on_the_widening_kernel_stays_within_its_tolerance() => BFloat16Within(BFloat16Kernel.Float32Widened);

    private static void BFloat16Within(BFloat16Kernel kernel)
    {
        using var engine = ManagedEngine.Load(EngineTestData.Config("test"), EngineTestData.Weights("test"),
            new ManagedEngineOptions { Precision = ComputePrecision.BFloat16, Threads = 2, BFloat16Kernel = kernel });
        var logits = EngineTestData.TeacherForced(engine, out _);
        Assert.InRange(EngineTestData.RelativeError(logits, Fp32.Value.Logits), 0, 1e-2);
        Assert.Equal(Fp32.Value.Greedy, EngineTestData.Greedy(engine, 20));
    }

    [Fact]
    public void Two_byte_weights_halve_the_weight_memory_unless_converted_at_load()
    {
        using var fp32 = Load(ComputePrecision.Float32, false);
        using var fp16 = Load(ComputePrecision.Float16, false);
        using var converted = Load(ComputePrecision.Float16, true);
        using var int8 = Load(ComputePrecision.Int8, false);

        Assert.InRange(fp16.Description.WeightBytes, fp32.Description.WeightBytes * 0.45, fp32.Description.WeightBytes * 0.6);
        Assert.InRange(int8.Description.WeightBytes, fp32.Description.WeightBytes * 0.2, fp32.Description.WeightBytes * 0.4);
        Assert.Equal(fp32.Description.WeightBytes, converted.Description.WeightBytes);
    }

    [Fact]
    public void Default_precision_follows_the_stored_dtype()
    {
        using var engine = ManagedEngine.Load(EngineTestData.Config("test"), new Hark.Checkpoints.RandomWhisperWeights(EngineTestData.Config("test"), 7, Hark.Checkpoints.DType.BF16),
            new ManagedEngineOptions { Threads = 1 });
        Assert.Equal(ComputePrecision.BFloat16, engine.Description.Precision);
        Assert.Equal("managed", engine.Description.Name);
        Assert.Equal(EngineDevice.Cpu, engine.Description.Device);
    }
}

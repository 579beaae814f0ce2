using Hark.Formats.Onnx;
using Hark.Checkpoints;
using Hark.Conversion.Onnx;
using Hark.Engines;
using Hark.Engines.Cpu;
using Hark.Engines.Onnx;
using Xunit.Abstractions;

namespace Hark.Tests.Engines;

/// <summary>The managed engine with int8 weights on the integer kernels, against its own float32 run and ONNX Runtime's int8 export.</summary>
[Collection(EngineCollection.Name)]
public sealed class ManagedEngineInt8Tests(ITestOutputHelper output)
{
    /// <summary>
    /// Tolerance, max |Δlogit| / max |logit| over the 20 teacher-forced positions of jfk: 5e-2 (measured on this CPU
    /// with VPDPBUSD, encoder attention in int8 too: tiny 2.0e-2, base 3.0e-2; with float32 attention it was 2.4e-2 and
    /// 3.1e-2). Weights (per row) and activations (per token) each carry ≤ ½ step of 1/127 of their row's range, so a
    /// 1–2 % relative error per layer is the expected order.
    /// </summary>
    [Theory]
    [InlineData("tiny")]
    [InlineData("base")]
    public void Int8_logits_stay_within_the_tolerance_of_float32(string preset)
    {
        using var fp32 = Load(preset, ComputePrecision.Float32, Int8Kernel.Auto);
        using var int8 = Load(preset, ComputePrecision.Int8, Int8Kernel.Auto);
        var reference = EngineTestData.TeacherForced(fp32, out _);
        var actual = EngineTestData.TeacherForced(int8, out _);
        var error = EngineTestData.RelativeError(actual, reference);
        output.WriteLine($"{preset} int8 ({Int8KernelSelection.Resolve(Int8Kernel.Auto)}): relative logit error {error:E2}");
        Assert.InRange(error, 0, 5e-2);
    }

    /// <summary>Each kernel, forced by the option, on the small <c>test</c> preset: same tolerance, same greedy tokens as float32.</summary>
    [Int8KernelFact(Int8Kernel.Avx512Vnni)]
    public void Avx512Vnni_engine_logits_stay_within_the_tolerance_of_float32() => ForcedKernel(Int8Kernel.Avx512Vnni);

    [Int8KernelFact(Int8Kernel.AvxVnni)]
    public void AvxVnni_engine_logits_stay_within_the_tolerance_of_float32() => ForcedKernel(Int8Kernel.AvxVnni);

    /// <inheritdoc cref="AvxVnni_engine_logits_stay_within_the_tolerance_of_float32"/>
    [Int8KernelFact(Int8Kernel.Avx2)]
    public void Avx2_engine_logits_stay_within_the_tolerance_of_float32() => ForcedKernel(Int8Kernel.Avx2);

    /// <inheritdoc cref="AvxVnni_engine_logits_stay_within_the_tolerance_of_float32"/>
    [Int8KernelFact(Int8Kernel.Float32Reference)]
    public void Float32_reference_engine_logits_stay_within_the_tolerance_of_float32() => ForcedKernel(Int8Kernel.Float32Reference);

    private void ForcedKernel(Int8Kernel kernel)
    {
        using var fp32 = Load("test", ComputePrecision.Float32, Int8Kernel.Auto);
        using var int8 = Load("test", ComputePrecision.Int8, kernel);
        var error = EngineTestData.RelativeError(EngineTestData.TeacherForced(int8, out _), EngineTestData.TeacherForced(fp32, out _));
        output.WriteLine($"test preset, int8 {kernel}: relative logit error {error:E2}");
        Assert.InRange(error, 0, 5e-2);
        Assert.Equal(EngineTestData.Greedy(fp32, 20), EngineTestData.Greedy(int8, 20));
    }

    /// <summary>
    /// Along float32's greedy path on jfk (teacher-forced, so one miss does not derail the rest), how often the
    /// int8 argmax is float32's. Random weights make top logits close, so neither runtime agrees everywhere; Hark's
    /// int8 must agree at least as often as ONNX Runtime's dynamic int8 export of the same weights.
    /// </summary>
    [Fact]
    public void Int8_greedy_tokens_agree_with_float32_at_least_as_often_as_onnx_runtime_int8()
    {
        const string preset = "tiny";
        const int steps = 48;
        var config = WhisperPresets.Get(preset);
        using var fp32 = Load(preset, ComputePrecision.Float32, Int8Kernel.Auto);
        var path = EngineTestData.Greedy(fp32, steps);
        using var managed = Load(preset, ComputePrecision.Int8, Int8Kernel.Auto);
        using var temp = Fixtures.TempDir();
        var folder = Path.Combine(temp.FullName, "onnx-int8");
        using (var checkpoint = new WhisperCheckpoint("", config, EngineTestData.Weights(preset)))
            OnnxExporter.Export(checkpoint, folder, new OnnxExportOptions { Precision = OnnxPrecision.Int8, Merged = false });
        using var onnx = OnnxEngine.Load(folder, new OnnxEngineOptions { IntraOpThreads = 2 });

        var hark = Agreement(managed, path);
        var ort = Agreement(onnx, path);
        output.WriteLine($"{preset}: greedy agreement with float32 over {steps} steps: managed int8 {hark}, onnx int8 {ort}");
        Assert.True(hark >= ort, $"managed int8 agrees on {hark}/{steps} tokens, ONNX Runtime int8 on {ort}/{steps}");
    }

    private static int Agreement(IWhisperEngine engine, int[] path)
    {
        var vocab = engine.Config.VocabSize;
        using var audio = engine.Encode(EngineTestData.JfkMel, 1);
        using var session = engine.StartDecoder(audio, [0]);
        var logits = new float[vocab];
        session.Step(EngineTestData.TeacherTokens.AsSpan(0, 4), 4, logits);
        var agree = 0;
        for (var i = 0; i < path.Length; i++)
        {
            if (EngineTestData.ArgMax(logits) == path[i]) agree++;
            if (i + 1 < path.Length) session.Step([path[i]], 1, logits);
        }
        return agree;
    }

    private static ManagedEngine Load(string preset, ComputePrecision precision, Int8Kernel kernel) =>
        ManagedEngine.Load(EngineTestData.Config(preset), EngineTestData.Weights(preset),
            new ManagedEngineOptions { Precision = precision, Threads = 2, Int8Kernel = kernel });
}

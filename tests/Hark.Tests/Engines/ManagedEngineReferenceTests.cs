using Hark.Engines;
using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

[Collection(EngineCollection.Name)]
public sealed class ManagedEngineReferenceTests
{
    [Theory]
    [InlineData("test")]
    [InlineData("tiny-dims")]
    public void Fp32_logits_match_the_naive_double_reference_within_1e4_relative(string preset)
    {
        using var engine = ManagedEngine.Load(EngineTestData.Config(preset), EngineTestData.Weights(preset),
            new ManagedEngineOptions { Precision = ComputePrecision.Float32, Threads = 2 });
        var (encoded, logits) = EngineTestData.ReferenceOf(preset);

        var actual = EngineTestData.TeacherForced(engine, out var states);

        var d = engine.Config.DModel;
        var stateRows = Enumerable.Range(0, encoded.Length).Select(r => states.AsSpan(r * d, d).ToArray()).ToArray();
        Assert.InRange(EngineTestData.RelativeError(stateRows, encoded), 0, 1e-4);
        Assert.InRange(EngineTestData.RelativeError(actual, logits), 0, 1e-4);
    }

    [Theory]
    [InlineData("Avx2")]
    [InlineData("Scalar")]
    public void Fallback_kernels_match_the_naive_reference_too(string kernel)
    {
        var path = Enum.Parse<KernelPath>(kernel);
        var saved = GemmKernels.Path;
        GemmKernels.Path = path;
        try
        {
            if (path == KernelPath.Avx2 && !System.Runtime.Intrinsics.X86.Avx2.IsSupported) return;
            using var engine = ManagedEngine.Load(EngineTestData.TinyDims, EngineTestData.Weights("tiny-dims"),
                new ManagedEngineOptions { Precision = ComputePrecision.Float32, Threads = 2 });
            var actual = EngineTestData.TeacherForced(engine, out _);
            Assert.InRange(EngineTestData.RelativeError(actual, EngineTestData.ReferenceOf("tiny-dims").Logits), 0, 1e-4);
        }
        finally
        {
            GemmKernels.Path = saved;
        }
    }

    [Fact]
    public void Fp32_results_are_identical_for_1_2_and_3_threads()
    {
        float[][]? first = null;
        float[]? firstStates = null;
        foreach (var threads in new[] { 1, 2, 3 })
        {
            using var engine = ManagedEngine.Load(EngineTestData.Config("test"), EngineTestData.Weights("test"),
                new ManagedEngineOptions { Precision = ComputePrecision.Float32, Threads = threads });
            var logits = EngineTestData.TeacherForced(engine, out var states);
            if (first is null)
            {
                first = logits;
                firstStates = states;
                continue;
            }
            Assert.Equal(firstStates, states);
            for (var i = 0; i < first.Length; i++) Assert.Equal(first[i], logits[i]);
        }
    }
}

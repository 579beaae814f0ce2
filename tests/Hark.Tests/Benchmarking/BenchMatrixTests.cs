using Hark.Benchmarking;
using Hark.Checkpoints;
using Hark.Engines;
using Hark.Transcription;

namespace Hark.Tests.Benchmarking;

public sealed class BenchMatrixTests
{
    private static readonly WhisperConfig Tiny = WhisperPresets.Get("tiny");

    private static BenchOptions Options(string precisions, string batches = "1") => new()
    {
        CacheDirectory = "unused",
        Engines = [EngineKind.Managed, EngineKind.Onnx],
        Precisions = [.. precisions.Split(',').Select(BenchPrecisions.Parse)],
        BatchSizes = [.. batches.Split(',').Select(int.Parse)],
    };

    [Fact]
    public void Every_combination_is_either_run_or_skipped_in_engine_precision_batch_order()
    {
        var plan = BenchMatrix.Plan(Tiny, Options("fp32,int8", "1,4"), _ => null, long.MaxValue);

        Assert.Empty(plan.Skipped);
        Assert.Equal(
            ["managed fp32 b1", "managed fp32 b4", "managed int8 b1", "managed int8 b4", "onnx fp32 b1", "onnx fp32 b4", "onnx int8 b1", "onnx int8 b4"],
            plan.Runnable.Select(c => c.Name));
    }

    [Fact]
    public void The_managed_engine_runs_once_per_device_and_onnx_stays_on_the_cpu()
    {
        var options = Options("fp32") with { ManagedDevices = [EngineDevice.Cpu, new EngineDevice(DeviceKind.Vulkan, 1)] };
        var plan = BenchMatrix.Plan(Tiny, options, _ => null, long.MaxValue);

        Assert.Equal(["managed fp32 b1", "vulkan:1 fp32 b1", "onnx fp32 b1"], plan.Runnable.Select(c => c.Name));
        Assert.Contains("--device vulkan:1", BenchRecommender.CommandLine(plan.Runnable[1], "m", 1, 0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("managed", EngineKind.Managed, DeviceKind.Cpu, 0)]
    [InlineData("onnx", EngineKind.Onnx, DeviceKind.Cpu, 0)]
    [InlineData("vulkan", EngineKind.Managed, DeviceKind.Vulkan, 0)]
    [InlineData("Vulkan:2", EngineKind.Managed, DeviceKind.Vulkan, 2)]
    public void Engine_names_parse_to_an_engine_and_a_device(string name, EngineKind engine, DeviceKind device, int index) =>
        Assert.Equal((engine, new EngineDevice(device, index)), BenchConfiguration.ParseTarget(name));

    [Theory]
    [InlineData("vulkan:x")]
    [InlineData("cuda")]
    public void Unknown_engine_names_are_input_errors(string name) =>
        Assert.Throws<HarkInputException>(() => BenchConfiguration.ParseTarget(name));

    [Theory]
    [InlineData("int4", "managed int4 b1", "int4 kernels")]
    [InlineData("bf16", "onnx bf16 b1", "no bf16")]
    public void A_precision_an_engine_lacks_is_skipped_with_the_reason(string precision, string skipped, string reason)
    {
        var plan = BenchMatrix.Plan(Tiny, Options(precision), _ => null, long.MaxValue);

        var s = Assert.Single(plan.Skipped);
        Assert.Equal(skipped, s.Configuration.Name);
        Assert.Contains(reason, s.Reason, StringComparison.Ordinal);
        Assert.Single(plan.Runnable);
    }

    [Fact]
    public void A_missing_engine_skips_all_its_configurations_with_its_reason()
    {
        var plan = BenchMatrix.Plan(Tiny, Options("fp32,int8"), e => e == EngineKind.Onnx ? "no onnxruntime here" : null, long.MaxValue);

        Assert.All(plan.Runnable, c => Assert.Equal(EngineKind.Managed, c.Engine));
        Assert.Equal(2, plan.Skipped.Count);
        Assert.All(plan.Skipped, s => Assert.Equal("no onnxruntime here", s.Reason));
    }

    [Fact]
    public void Batches_the_memory_model_says_do_not_fit_are_skipped_and_smaller_ones_kept()
    {
        var options = Options("fp32", "1,64");
        var oneFits = Hark.Hardware.MemoryModel.Estimate(Tiny, ComputePrecision.Float32, 1).TotalBytes;
        var plan = BenchMatrix.Plan(Tiny, options with { Engines = [EngineKind.Managed] }, _ => null, oneFits + 1);

        Assert.Equal("managed fp32 b1", Assert.Single(plan.Runnable).Name);
        var s = Assert.Single(plan.Skipped);
        Assert.Equal(64, s.Configuration.BatchSize);
        Assert.Contains("memory model", s.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fp8")]
    [InlineData("")]
    public void Unknown_precisions_are_input_errors_that_list_the_known_ones(string name)
    {
        var ex = Assert.Throws<HarkInputException>(() => BenchPrecisions.Parse(name));
        Assert.Contains("fp32, fp16, bf16, int8, int4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_options_are_input_errors_naming_the_flag()
    {
        var ex = Assert.Throws<HarkInputException>(() => (Options("fp32") with { Runs = 0 }).Validate());
        Assert.Equal("--runs", ex.Field);
        ex = Assert.Throws<HarkInputException>(() => (Options("fp32") with { BatchSizes = [0] }).Validate());
        Assert.Equal("--batch-sizes", ex.Field);
    }
}

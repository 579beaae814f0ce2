using Hark.Formats.Onnx;
using Hark.Conversion.Onnx;
using Hark.Engines.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Hark.Tests.Onnx;

public sealed class OnnxProviderTests
{
    [Theory]
    [InlineData(OnnxDevice.Cuda, "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData(OnnxDevice.TensorRT, "TensorRT")]
    [InlineData(OnnxDevice.Rocm, "MIGraphX execution provider on ROCm 6 or 7")]
    [InlineData(OnnxDevice.MIGraphX, "ROCm execution provider is deprecated")]
    [InlineData(OnnxDevice.DirectML, "Microsoft.ML.OnnxRuntime.DirectML")]
    [InlineData(OnnxDevice.OpenVino, "Intel.ML.OnnxRuntime.OpenVino")]
    [InlineData(OnnxDevice.CoreML, "macOS")]
    public void Asking_the_cpu_only_package_for_a_gpu_provider_names_the_build_that_has_it(OnnxDevice device, string expected)
    {
        Assert.DoesNotContain(OnnxExecutionProviders.ProviderNames(device)[0], OrtEnv.Instance().GetAvailableProviders());
        var e = Assert.Throws<OnnxProviderUnavailableException>(() =>
            OnnxEngine.Load(OnnxTestModels.Folder(OnnxPrecision.Float32), new OnnxEngineOptions { Device = device }));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", e.Message, StringComparison.Ordinal);
        Assert.Equal("--device", e.Field);
    }

    [Fact]
    public void Rocm_prefers_migraphx_and_falls_back_to_the_deprecated_rocm_provider()
    {
        Assert.Equal("MIGraphXExecutionProvider", OnnxExecutionProviders.Select(OnnxDevice.Rocm, ["ROCMExecutionProvider", "MIGraphXExecutionProvider", "CPUExecutionProvider"]));
        Assert.Equal("ROCMExecutionProvider", OnnxExecutionProviders.Select(OnnxDevice.Rocm, ["ROCMExecutionProvider", "CPUExecutionProvider"]));
    }

    [Fact]
    public void A_folder_without_models_says_what_it_expected()
    {
        using var temp = Fixtures.TempDir();
        var e = Assert.Throws<HarkInputException>(() => OnnxEngine.Load(temp.FullName));
        Assert.Contains(OptimumNames.EncoderFile, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_optimum_style_folder_with_models_under_onnx_and_config_beside_them_loads()
    {
        using var temp = Fixtures.TempDir();
        var export = OnnxTestModels.Folder(OnnxPrecision.Float32);
        Directory.CreateDirectory(temp.File("onnx"));
        File.Copy(Path.Combine(export, "config.json"), temp.File("config.json"));
        foreach (var file in new[] { OptimumNames.EncoderFile, OptimumNames.DecoderMergedFile })
            File.Copy(Path.Combine(export, file), Path.Combine(temp.File("onnx"), file));
        using var engine = OnnxEngine.Load(temp.FullName, new OnnxEngineOptions { IntraOpThreads = 1 });
        Assert.NotNull(engine.DecoderMerged);
        Assert.Null(engine.DecoderWithPast);
        Assert.Equal(Hark.Engines.ComputePrecision.Default, engine.Description.Precision);
        Assert.Equal(OnnxTestModels.Config, engine.Config);
    }
}

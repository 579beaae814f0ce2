using Hark.Conversion;
using Hark.Conversion.Inspect;

namespace Hark.Tests.Conversion;

public sealed class ReaderErrorTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.001)]
    public async Task A_truncated_ct2_model_bin_names_the_file(double keep)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = dir.File("ct2");
        await ConverterCatalog.Get("ct2").ConvertAsync(model, output, new ConversionOptions());
        var bin = Path.Combine(output, "model.bin");
        var bytes = File.ReadAllBytes(bin);
        File.WriteAllBytes(bin, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<HarkInputException>(() => Ct2ModelReader.Open(output));
        Assert.Contains("model.bin", e.Message);
        Assert.Contains("ends", e.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.01)]
    public async Task A_truncated_ggml_file_names_the_file(double keep)
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = dir.File("m.bin");
        await ConverterCatalog.Get("ggml").ConvertAsync(model, output, new ConversionOptions { Quantization = "q8_0" });
        var bytes = File.ReadAllBytes(output);
        File.WriteAllBytes(output, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<HarkInputException>(() => GgmlModelReader.Open(output));
        Assert.Contains("m.bin", e.Message);
    }

    [Fact]
    public void A_file_without_the_ggml_magic_is_rejected()
    {
        using var dir = Fixtures.TempDir();
        File.WriteAllText(dir.File("x.bin"), "not a model at all");
        Assert.False(GgmlModelReader.HasMagic(dir.File("x.bin")));
        var e = Assert.Throws<HarkInputException>(() => GgmlModelReader.Open(dir.File("x.bin")));
        Assert.Contains("magic", e.Message);
        Assert.Throws<HarkInputException>(() => ModelInspector.Detect(dir.File("x.bin")));
    }

    [Fact]
    public async Task Inspect_reports_tensor_bytes_that_add_up_to_the_payload()
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = dir.File("m.bin");
        await ConverterCatalog.Get("ggml").ConvertAsync(model, output, new ConversionOptions { Quantization = "q5_0" });
        var report = ModelInspector.InspectGgml(output);
        Assert.Equal(ModelFormat.Ggml, ModelInspector.Detect(output));
        Assert.Contains(report.Properties, p => p.Key == "weights" && p.Value == "q5_0");
        Assert.Contains(report.BytesByDType, p => p.Key == "q5_0");
        Assert.True(report.TotalBytes < new FileInfo(output).Length);
    }

    [Fact]
    public async Task Inspect_of_a_ct2_folder_reports_the_architecture()
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random();
        var output = dir.File("ct2");
        await ConverterCatalog.Get("ct2").ConvertAsync(model, output, new ConversionOptions { Quantization = "int8_float16" });
        var props = ModelInspector.InspectCt2(output).Properties.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("2", props["encoder layers"]);
        Assert.Equal("2", props["decoder layers"]);
        Assert.Equal("64", props["d_model"]);
        Assert.Equal("51865", props["vocab size"]);
        Assert.Equal("int8", props["weights"]);
        Assert.Equal("2", props["decoder num heads"]);
    }
}

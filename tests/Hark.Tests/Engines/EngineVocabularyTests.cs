using Hark.Engines;

namespace Hark.Tests.Engines;

public class EngineVocabularyTests
{
    [Fact]
    public void Every_name_parses_back_to_its_value()
    {
        foreach (var engine in Enum.GetValues<EngineKind>())
            Assert.Equal(engine, EngineVocabulary.ParseEngine(EngineVocabulary.Name(engine).ToUpperInvariant()));
        foreach (var precision in Enum.GetValues<ComputePrecision>())
        {
            Assert.Equal(precision, EngineVocabulary.ParsePrecision(EngineVocabulary.Name(precision)));
            Assert.Equal(precision, EngineVocabulary.ParsePrecision(EngineVocabulary.ShortName(precision)));
        }
        foreach (var kind in Enum.GetValues<DeviceKind>())
            foreach (var index in new[] { 0, 1, 12 })
                Assert.Equal(new EngineDevice(kind, index), EngineVocabulary.ParseDevice(new EngineDevice(kind, index).ToString()));
    }

    [Theory]
    [InlineData("vulkan")]
    [InlineData("")]
    public void An_unknown_engine_names_the_field_and_lists_the_engines(string name)
    {
        var ex = Assert.Throws<HarkInputException>(() => EngineVocabulary.ParseEngine(name, "--engine"));
        Assert.Equal("--engine", ex.Field);
        Assert.Contains("managed or onnx", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fp8")]
    [InlineData("int8_float16")]
    public void An_unknown_precision_lists_the_long_names(string name)
    {
        var ex = Assert.Throws<HarkInputException>(() => EngineVocabulary.ParsePrecision(name));
        Assert.Contains("default, float32, float16, bfloat16, int8 or int4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_is_the_default_precision() => Assert.Equal(ComputePrecision.Default, EngineVocabulary.ParsePrecision("auto"));
}

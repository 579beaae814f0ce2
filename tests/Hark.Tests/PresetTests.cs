using Hark.Checkpoints;

namespace Hark.Tests;

public class PresetTests
{
    [Theory]
    [InlineData("tiny", 37.76e6)]
    [InlineData("base", 72.59e6)]
    [InlineData("small", 241.7e6)]
    [InlineData("medium", 763.9e6)]
    [InlineData("large-v3", 1543.5e6)]
    [InlineData("large-v3-turbo", 808.9e6)]
    public void Parameter_counts_match_the_published_models_within_half_a_percent(string preset, double expected)
    {
        var count = WhisperPresets.ParameterCount(WhisperPresets.Get(preset));
        Assert.InRange(count, expected * 0.995, expected * 1.005);
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("large-v3")]
    public void Layout_enumerates_exactly_the_counted_parameters(string preset)
    {
        var config = WhisperPresets.Get(preset);
        var total = WhisperTensorLayout.Enumerate(config).Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
        Assert.Equal(WhisperPresets.ParameterCount(config), total);
    }

    [Fact]
    public void Random_weights_are_deterministic_per_seed_and_name()
    {
        var config = WhisperPresets.Get("test");
        using var a = new RandomWhisperWeights(config, 7);
        using var b = new RandomWhisperWeights(config, 7);
        using var c = new RandomWhisperWeights(config, 8);
        var x = new float[64 * 64];
        var y = new float[64 * 64];
        var z = new float[64 * 64];
        a.ReadFloat32("encoder.layers.0.self_attn.q_proj.weight", x);
        b.ReadFloat32("encoder.layers.0.self_attn.q_proj.weight", y);
        c.ReadFloat32("encoder.layers.0.self_attn.q_proj.weight", z);
        Assert.Equal(x, y);
        Assert.NotEqual(x, z);
    }
}

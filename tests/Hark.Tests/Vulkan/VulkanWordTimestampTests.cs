using Hark.Checkpoints;
using Hark.Engines;
using Hark.Tokenization;
using Hark.Transcription;

namespace Hark.Tests.Vulkan;

/// <summary>Word timestamps on the managed engine's Vulkan backend (lavapipe here) equal the CPU backend's: the alignment heads'
/// cross-attention is recorded on the device and downloaded once per step.</summary>
public sealed class VulkanWordTimestampTests
{
    [VulkanFact]
    public async Task Vulkan_word_times_equal_the_cpu_engine_within_20_ms()
    {
        var config = WhisperPresets.Get("test"); // tiny takes minutes on lavapipe
        using var weights = new RandomWhisperWeights(config, 7);
        var cpu = await Words(ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = 2, Precision = ComputePrecision.Float32 }));
        var vulkan = await Words(ManagedEngine.Load(config, weights, new ManagedEngineOptions
        {
            Device = new EngineDevice(DeviceKind.Vulkan), Precision = ComputePrecision.Float32, HalfArithmetic = false,
        }));

        Assert.NotEmpty(cpu);
        Assert.Equal(cpu.Select(w => w.Word), vulkan.Select(w => w.Word));
        for (var i = 0; i < cpu.Count; i++)
        {
            Assert.InRange(vulkan[i].Start, cpu[i].Start - 0.02, cpu[i].Start + 0.02);
            Assert.InRange(vulkan[i].End, cpu[i].End - 0.02, cpu[i].End + 0.02);
        }
    }

    /// <summary>The words of jfk.wav, greedy and capped at 48 tokens so lavapipe stays quick.</summary>
    internal static async Task<List<WordTiming>> Words(IWhisperEngine engine)
    {
        using (engine)
        {
            await using var model = new WhisperModel(engine, WhisperTokenizer.FromFolder(Fixtures.Path("hf/whisper-base")),
                Hark.Conversion.GenerationConfigDefaults.ForModel(engine.Config));
            var options = new TranscriptionOptions { Language = "en", BeamSize = null, Temperatures = [0f], WordTimestamps = true, MaxNewTokens = 48 };
            var result = await model.TranscribeAsync(Fixtures.Path("audio/jfk.wav"), options).ToResultAsync();
            return [.. result.Segments.SelectMany(s => s.Words ?? [])];
        }
    }
}

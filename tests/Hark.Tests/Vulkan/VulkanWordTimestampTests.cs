using Hark.Checkpoints;
using Hark.Engines;
using Hark.Tests.Transcription.Timing;
using Hark.Transcription;

namespace Hark.Tests.Vulkan;

/// <summary>Word timestamps on the managed engine's Vulkan backend (lavapipe here) equal the CPU backend's: the alignment heads'
/// cross-attention is recorded on the device and downloaded once per step.</summary>
public sealed class VulkanWordTimestampTests
{
    [VulkanTheory]
    [InlineData("test")]
    [InlineData("tiny")]
    public async Task Vulkan_word_times_equal_the_cpu_engine_within_20_ms(string preset)
    {
        var config = WhisperPresets.Get(preset);
        using var weights = new RandomWhisperWeights(config, 7);
        var cpu = await WordRuns.Words(ManagedEngine.Load(config, weights, new ManagedEngineOptions { Threads = 2, Precision = ComputePrecision.Float32 }));
        var vulkan = await WordRuns.Words(ManagedEngine.Load(config, weights, new ManagedEngineOptions
        {
            Device = new EngineDevice(DeviceKind.Vulkan), Precision = ComputePrecision.Float32, HalfArithmetic = false,
        }));

        WordRuns.AssertClose(cpu, vulkan);
    }
}

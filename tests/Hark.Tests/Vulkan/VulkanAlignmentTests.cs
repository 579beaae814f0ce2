using Hark.Engines;
using Hark.Tests.Engines;

namespace Hark.Tests.Vulkan;

/// <summary>Alignment-head recording through a decoder session: each recorded row is a distribution, and Vulkan matches the CPU.</summary>
[Collection(EngineCollection.Name)]
public sealed class VulkanAlignmentTests(VulkanEngineRuns runs) : IClassFixture<VulkanEngineRuns>
{
    private const int Positions = 1500;

    [Fact]
    public void Recorded_rows_on_the_cpu_are_probability_distributions_after_a_reorder()
    {
        var weights = runs.Get("test", ComputePrecision.Float32, DeviceKind.Cpu).Alignment;
        Assert.Equal(VulkanEngineRuns.AlignmentHeads.Count * 3 * 5 * Positions, weights.Length);
        for (var row = 0; row < weights.Length / Positions; row++)
        {
            var sum = weights.AsSpan(row * Positions, Positions).ToArray().Sum(v => (double)v);
            Assert.InRange(sum, 1 - 1e-4, 1 + 1e-4);
        }
    }

    [VulkanFact]
    public void Vulkan_records_the_same_alignment_weights_as_the_cpu() =>
        VulkanOpTestKit.Close(runs.Get("test", ComputePrecision.Float32, DeviceKind.Cpu).Alignment,
            runs.Get("test", ComputePrecision.Float32, DeviceKind.Vulkan).Alignment, 1e-5, "alignment weights");
}

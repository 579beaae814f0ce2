using Hark.Engines;
using Hark.Engines.Backends;
using Hark.Engines.Vulkan;

namespace Hark.Tests.Vulkan;

public sealed class VulkanDeviceTests
{
    [VulkanFact]
    public void Listing_reports_name_vendor_driver_heaps_and_subgroup_size()
    {
        var devices = VulkanDevices.List();
        Assert.NotEmpty(devices);
        var first = devices[0];
        Assert.Equal(0, first.Index);
        Assert.False(string.IsNullOrWhiteSpace(first.Name));
        Assert.False(string.IsNullOrWhiteSpace(first.Vendor));
        Assert.Matches(@"^1\.\d+\.\d+$", first.ApiVersion);
        Assert.NotEmpty(first.Heaps);
        Assert.All(first.Heaps, h => Assert.True(h.Bytes > 0));
        Assert.True(first.SubgroupSize >= 1);
    }

    [VulkanFact]
    public void A_device_index_past_the_last_is_an_input_error_listing_the_devices()
    {
        var count = VulkanDevices.List().Count;
        var e = Assert.Throws<HarkInputException>(() => VulkanBackend.Create(count));
        Assert.Contains($"vulkan:{count} does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("0: ", e.Message, StringComparison.Ordinal);
    }

    [VulkanFact]
    public void A_tensor_disposed_after_its_backend_is_a_no_op()
    {
        var backend = VulkanBackend.Create(0);
        var pending = backend.Allocate(3, 5);
        var idle = backend.Allocate(2, 2);
        backend.Synchronize();
        var recorded = backend.Allocate(4, 4);
        backend.Dispose();
        pending.Dispose();
        idle.Dispose();
        recorded.Dispose();
    }

    [VulkanFact]
    public void Device_memory_in_use_and_its_peak_follow_allocations_and_releases()
    {
        using var backend = VulkanBackend.Create(0);
        var before = backend.DeviceBytes;
        var a = backend.Allocate(1000, 1000);
        Assert.InRange(backend.DeviceBytes - before, 4_000_000, 4_200_000);
        var weight = backend.CreateLinearWeight(new float[300 * 200], 300, 200, Hark.Engines.Backends.TensorDType.Float16);
        Assert.InRange(backend.DeviceBytes - before, 4_120_000, 4_400_000);
        backend.Synchronize();   // a buffer a pending submission reads is released only after it
        a.Dispose();
        Assert.InRange(backend.DeviceBytes - before, 120_000, 400_000);
        Assert.InRange(backend.PeakDeviceBytes - before, 4_120_000, 4_400_000);
        backend.ResetPeakDeviceBytes();
        Assert.Equal(backend.DeviceBytes, backend.PeakDeviceBytes);
        weight.Dispose();
    }

    [Theory]
    [InlineData("vulkan", DeviceKind.Vulkan, 0)]
    [InlineData("Vulkan:2", DeviceKind.Vulkan, 2)]
    [InlineData("cpu", DeviceKind.Cpu, 0)]
    public void Device_text_parses_kind_and_index(string text, DeviceKind kind, int index) =>
        Assert.Equal(new EngineDevice(kind, index), EngineDevice.Parse(text));

    [Theory]
    [InlineData("gpu")]
    [InlineData("vulkan:x")]
    [InlineData("vulkan:-1")]
    [InlineData("3")]
    public void Unknown_device_text_is_an_input_error(string text) =>
        Assert.Throws<HarkInputException>(() => EngineDevice.Parse(text));
}

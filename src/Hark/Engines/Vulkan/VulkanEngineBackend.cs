using Hark.Engines.Backends;

namespace Hark.Engines.Vulkan;

/// <summary>The managed engine on a Vulkan device (<see cref="VulkanBackend"/>).</summary>
internal sealed class VulkanEngineBackend : ManagedBackend
{
    /// <inheritdoc />
    public override DeviceKind Device => DeviceKind.Vulkan;

    /// <inheritdoc />
    public override IOpBackend CreateOpBackend(EngineDevice device, ManagedEngineOptions options) =>
        VulkanBackend.Create(device.Index, new VulkanBackendOptions { HalfArithmetic = options.HalfArithmetic });
}

using Hark.Engines;
using Hark.Hardware;

namespace Hark.Cli.Commands;

/// <summary>
/// <c>--device vulkan</c> on a CPU Vulkan device (lavapipe, SwiftShader) runs, but many times slower than Hark's CPU
/// engine: say so on stderr and name the better choice. Recognised by the device type the driver reports.
/// </summary>
internal static class SoftwareVulkanNotice
{
    /// <summary>The warning for <paramref name="device"/>, or null when it is not a CPU Vulkan device (or not Vulkan).</summary>
    public static string? For(EngineDevice device)
    {
        if (device.Kind != DeviceKind.Vulkan) return null;
        var devices = VulkanProbe.ListDevices();
        if (device.Index >= devices.Count || !devices[device.Index].IsCpu) return null;
        return $"hark: warning: {device} is '{devices[device.Index].Name}', a Vulkan driver that runs on the CPU; " +
               "Hark's CPU engine is faster here (--device cpu)";
    }
}

using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Hark.Engines.Vulkan;

/// <summary>Lists the Vulkan devices this machine exposes, for <c>hark doctor</c> and <c>--device vulkan:N</c>.</summary>
public static unsafe class VulkanDevices
{
    /// <summary>Every device the loader reports, in <c>vulkan:N</c> order.</summary>
    /// <exception cref="HarkException">No Vulkan loader, driver or device ("no Vulkan driver found: …").</exception>
    public static IReadOnlyList<VulkanDeviceInfo> List()
    {
        using var instance = VulkanInstance.Create();
        var result = new List<VulkanDeviceInfo>();
        for (var i = 0; i < instance.PhysicalDevices.Count; i++) result.Add(Describe(instance, i));
        return result;
    }

    /// <summary>Facts about device <paramref name="index"/> of <paramref name="instance"/>.</summary>
    internal static VulkanDeviceInfo Describe(VulkanInstance instance, int index)
    {
        var api = instance.Api;
        var device = instance.PhysicalDevices[index];
        var driver = new PhysicalDeviceDriverProperties { SType = StructureType.PhysicalDeviceDriverProperties };
        var subgroup = new PhysicalDeviceSubgroupProperties { SType = StructureType.PhysicalDeviceSubgroupProperties, PNext = &driver };
        var props2 = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &subgroup };
        api.GetPhysicalDeviceProperties2(device, &props2);
        var props = props2.Properties;
        var f11 = new PhysicalDeviceVulkan11Features { SType = StructureType.PhysicalDeviceVulkan11Features };
        var f12 = new PhysicalDeviceVulkan12Features { SType = StructureType.PhysicalDeviceVulkan12Features, PNext = &f11 };
        var features = new PhysicalDeviceFeatures2 { SType = StructureType.PhysicalDeviceFeatures2, PNext = &f12 };
        var api12 = props.ApiVersion >= Vk.Version12;
        if (api12) api.GetPhysicalDeviceFeatures2(device, &features);
        PhysicalDeviceMemoryProperties memory;
        api.GetPhysicalDeviceMemoryProperties(device, &memory);
        var heaps = new List<VulkanMemoryHeap>();
        for (var h = 0; h < memory.MemoryHeapCount; h++)
        {
            var heap = memory.MemoryHeaps[h];
            heaps.Add(new VulkanMemoryHeap((long)heap.Size, (heap.Flags & MemoryHeapFlags.DeviceLocalBit) != 0));
        }
        var extensions = instance.DeviceExtensions(device);
        var driverName = SilkMarshal.PtrToString((nint)driver.DriverName) ?? "";
        var driverInfo = SilkMarshal.PtrToString((nint)driver.DriverInfo) ?? "";
        string? problem = null;
        if (!api12) problem = $"Vulkan {VulkanInstance.VersionText(props.ApiVersion)} (1.2 needed)";
        else if (!f12.BufferDeviceAddress) problem = "no buffer device address";
        else if (VulkanContext.ComputeQueueFamily(api, device) < 0) problem = "no compute queue";
        return new VulkanDeviceInfo(index, SilkMarshal.PtrToString((nint)props.DeviceName) ?? "unnamed", VendorName(props.VendorID),
            TypeName(props.DeviceType), VulkanInstance.VersionText(props.ApiVersion), $"{driverName} {driverInfo}".Trim(), heaps,
            (int)subgroup.SubgroupSize,
            (subgroup.SupportedStages & ShaderStageFlags.ComputeBit) != 0 && (subgroup.SupportedOperations & SubgroupFeatureFlags.ArithmeticBit) != 0,
            f12.ShaderFloat16, f12.ShaderInt8, f11.StorageBuffer16BitAccess,
            extensions.Contains("VK_KHR_cooperative_matrix"), problem is null, problem);
    }

    private static string VendorName(uint id) => id switch
    {
        0x1002 => "AMD",
        0x10DE => "NVIDIA",
        0x8086 => "Intel",
        0x13B5 => "ARM",
        0x5143 => "Qualcomm",
        0x1010 => "Imagination",
        0x106B => "Apple",
        0x10005 => "Mesa",
        _ => $"0x{id:X4}",
    };

    /// <summary>What <see cref="VulkanDeviceInfo.Type"/> says for <c>VK_PHYSICAL_DEVICE_TYPE_CPU</c>.</summary>
    internal const string CpuType = "CPU";

    private static string TypeName(PhysicalDeviceType type) => type switch
    {
        PhysicalDeviceType.DiscreteGpu => "discrete GPU",
        PhysicalDeviceType.IntegratedGpu => "integrated GPU",
        PhysicalDeviceType.VirtualGpu => "virtual GPU",
        PhysicalDeviceType.Cpu => CpuType,
        _ => "other",
    };
}

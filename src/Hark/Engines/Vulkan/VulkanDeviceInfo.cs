namespace Hark.Engines.Vulkan;

/// <summary>One memory heap of a Vulkan device.</summary>
/// <param name="Bytes">Heap size.</param>
/// <param name="DeviceLocal">Whether the heap is the device's own memory (VRAM) rather than host memory it can reach.</param>
public sealed record VulkanMemoryHeap(long Bytes, bool DeviceLocal);

/// <summary>What <c>hark doctor</c> reports about one Vulkan device.</summary>
/// <param name="Index">The N of <c>vulkan:N</c>.</param>
/// <param name="Name">Device name (e.g. <c>AMD Radeon RX 7900 XTX (RADV NAVI31)</c>, <c>llvmpipe (LLVM 15.0.7, 256 bits)</c>).</param>
/// <param name="Vendor">Vendor name from the PCI vendor id (AMD, NVIDIA, Intel, Mesa, …), or the id in hex.</param>
/// <param name="Type">Discrete, integrated, virtual or CPU.</param>
/// <param name="ApiVersion">Vulkan version the driver implements (<c>1.3.255</c>).</param>
/// <param name="Driver">Driver name and version as the driver reports them (e.g. <c>llvmpipe Mesa 23.2.1</c>).</param>
/// <param name="Heaps">Memory heaps.</param>
/// <param name="SubgroupSize">Threads per subgroup (wave/warp).</param>
/// <param name="SubgroupArithmetic">Subgroup reductions (<c>subgroupAdd</c>) in compute shaders; the few-row GEMV needs them.</param>
/// <param name="Float16">Shader float16 arithmetic (<c>VK_KHR_shader_float16_int8</c>).</param>
/// <param name="Int8">Shader int8 arithmetic.</param>
/// <param name="Storage16Bit">16-bit values in storage buffers.</param>
/// <param name="CooperativeMatrix">The device offers <c>VK_KHR_cooperative_matrix</c> (tensor cores / WMMA).</param>
/// <param name="Usable">Whether Hark's backend can run on it (Vulkan 1.2, buffer device address, a compute queue).</param>
/// <param name="Problem">Why it cannot, when <see cref="Usable"/> is false.</param>
public sealed record VulkanDeviceInfo(int Index, string Name, string Vendor, string Type, string ApiVersion, string Driver,
    IReadOnlyList<VulkanMemoryHeap> Heaps, int SubgroupSize, bool SubgroupArithmetic, bool Float16, bool Int8, bool Storage16Bit, bool CooperativeMatrix,
    bool Usable, string? Problem)
{
    /// <summary>Whether the device is a CPU (<c>VK_PHYSICAL_DEVICE_TYPE_CPU</c>: lavapipe, SwiftShader), slower than Hark's CPU engine.</summary>
    public bool IsCpu => Type == VulkanDevices.CpuType;

    /// <summary>Bytes of device-local memory (sum of device-local heaps).</summary>
    public long DeviceLocalBytes => Heaps.Where(h => h.DeviceLocal).Sum(h => h.Bytes);
}

using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Hark.Engines.Vulkan;

/// <summary>
/// One logical device on one physical device: a compute queue, buffer device addresses enabled, and the memory
/// types buffers come from (device-local for tensors, host-visible coherent for staging and read-back).
/// </summary>
internal sealed unsafe class VulkanContext : IDisposable
{
    private readonly VulkanInstance _instance;
    private readonly PhysicalDeviceMemoryProperties _memory;
    private readonly HashSet<VulkanBuffer> _live = [];
    private long _deviceBytes;
    private long _peakDeviceBytes;
    private bool _disposed;

    public VulkanContext(int index)
    {
        _instance = VulkanInstance.Create();
        try
        {
            var count = _instance.PhysicalDevices.Count;
            if (index < 0 || index >= count)
            {
                var names = string.Join(", ", Enumerable.Range(0, count).Select(i => $"{i}: {_instance.DeviceName(_instance.PhysicalDevices[i])}"));
                throw new HarkInputException($"vulkan:{index} does not exist; this machine has {count} Vulkan device(s) ({names})", field: "device");
            }
            Info = VulkanDevices.Describe(_instance, index);
            if (!Info.Usable) throw new HarkException($"vulkan:{index} ({Info.Name}) cannot run Hark's backend: {Info.Problem}");
            Physical = _instance.PhysicalDevices[index];
            Api.GetPhysicalDeviceMemoryProperties(Physical, out _memory);
            QueueFamily = (uint)ComputeQueueFamily(Api, Physical);
            var priority = 1f;
            var queueInfo = new DeviceQueueCreateInfo
            {
                SType = StructureType.DeviceQueueCreateInfo, QueueFamilyIndex = QueueFamily, QueueCount = 1, PQueuePriorities = &priority,
            };
            // shaderFloat16 where offered: the half-arithmetic GEMM needs it, nothing else does.
            // 16-bit storage where offered: linear ops then write float16 keys/values directly.
            var f11 = new PhysicalDeviceVulkan11Features { SType = StructureType.PhysicalDeviceVulkan11Features, StorageBuffer16BitAccess = Info.Storage16Bit };
            var f12 = new PhysicalDeviceVulkan12Features
            {
                SType = StructureType.PhysicalDeviceVulkan12Features, PNext = &f11, BufferDeviceAddress = true, ShaderFloat16 = Info.Float16,
            };
            var features = new PhysicalDeviceFeatures2 { SType = StructureType.PhysicalDeviceFeatures2, PNext = &f12 };
            var info = new DeviceCreateInfo
            {
                SType = StructureType.DeviceCreateInfo, PNext = &features, QueueCreateInfoCount = 1, PQueueCreateInfos = &queueInfo,
            };
            Device device;
            VulkanInstance.Check(Api.CreateDevice(Physical, &info, null, &device), "vkCreateDevice");
            Device = device;
            Queue queue;
            Api.GetDeviceQueue(device, QueueFamily, 0, &queue);
            Queue = queue;
        }
        catch
        {
            _instance.Dispose();
            throw;
        }
    }

    public Vk Api => _instance.Api;

    public PhysicalDevice Physical { get; }

    public Device Device { get; }

    public Queue Queue { get; }

    public uint QueueFamily { get; }

    public VulkanDeviceInfo Info { get; }

    /// <summary>Device-local memory Hark's buffers hold now (allocation sizes, alignment included).</summary>
    public long DeviceBytes
    {
        get { lock (_live) return _deviceBytes; }
    }

    /// <summary>The most <see cref="DeviceBytes"/> has been since the device was created or <see cref="ResetPeak"/>.</summary>
    public long PeakDeviceBytes
    {
        get { lock (_live) return _peakDeviceBytes; }
    }

    /// <summary>Starts a new peak at the current <see cref="DeviceBytes"/>.</summary>
    public void ResetPeak()
    {
        lock (_live) _peakDeviceBytes = _deviceBytes;
    }

    /// <summary>First queue family with compute, or -1.</summary>
    public static int ComputeQueueFamily(Vk api, PhysicalDevice device)
    {
        uint count = 0;
        api.GetPhysicalDeviceQueueFamilyProperties(device, &count, null);
        var families = new QueueFamilyProperties[count];
        fixed (QueueFamilyProperties* f = families) api.GetPhysicalDeviceQueueFamilyProperties(device, &count, f);
        for (var i = 0; i < families.Length; i++)
        {
            if ((families[i].QueueFlags & QueueFlags.ComputeBit) != 0) return i;
        }
        return -1;
    }

    /// <summary>
    /// Creates a buffer usable from shaders by address and as a copy source/destination. Device-local memory when
    /// <paramref name="hostVisible"/> is false; host-visible coherent (mapped) memory otherwise.
    /// </summary>
    public VulkanBuffer CreateBuffer(long bytes, bool hostVisible)
    {
        var size = (ulong)Math.Max(bytes, 16);
        var info = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo,
            Size = size,
            Usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit | BufferUsageFlags.ShaderDeviceAddressBit,
            SharingMode = SharingMode.Exclusive,
        };
        Buffer buffer;
        VulkanInstance.Check(Api.CreateBuffer(Device, &info, null, &buffer), "vkCreateBuffer");
        try
        {
            MemoryRequirements req;
            Api.GetBufferMemoryRequirements(Device, buffer, &req);
            var wanted = hostVisible
                ? MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit
                : MemoryPropertyFlags.DeviceLocalBit;
            var type = MemoryType(req.MemoryTypeBits, wanted);
            if (type < 0 && !hostVisible) type = MemoryType(req.MemoryTypeBits, 0);
            if (type < 0) throw new HarkException($"vulkan: no memory type for a {(hostVisible ? "host-visible" : "device")} buffer");
            var flags = new MemoryAllocateFlagsInfo { SType = StructureType.MemoryAllocateFlagsInfo, Flags = MemoryAllocateFlags.DeviceAddressBit };
            var alloc = new MemoryAllocateInfo { SType = StructureType.MemoryAllocateInfo, PNext = &flags, AllocationSize = req.Size, MemoryTypeIndex = (uint)type };
            DeviceMemory memory;
            var result = Api.AllocateMemory(Device, &alloc, null, &memory);
            if (result is Result.ErrorOutOfDeviceMemory or Result.ErrorOutOfHostMemory)
                throw new HarkException($"vulkan: out of {(hostVisible ? "host" : "device")} memory allocating {bytes / (1024.0 * 1024):F1} MiB on {Info.Name}");
            VulkanInstance.Check(result, "vkAllocateMemory");
            VulkanInstance.Check(Api.BindBufferMemory(Device, buffer, memory, 0), "vkBindBufferMemory");
            void* mapped = null;
            if (hostVisible) VulkanInstance.Check(Api.MapMemory(Device, memory, 0, Vk.WholeSize, 0, &mapped), "vkMapMemory");
            var addressInfo = new BufferDeviceAddressInfo { SType = StructureType.BufferDeviceAddressInfo, Buffer = buffer };
            var address = Api.GetBufferDeviceAddress(Device, &addressInfo);
            var created = new VulkanBuffer(this, buffer, memory, (long)size, address, (byte*)mapped, hostVisible ? 0 : (long)req.Size);
            lock (_live)
            {
                _live.Add(created);
                _deviceBytes += created.DeviceBytes;
                _peakDeviceBytes = Math.Max(_peakDeviceBytes, _deviceBytes);
            }
            return created;
        }
        catch
        {
            Api.DestroyBuffer(Device, buffer, null);
            throw;
        }
    }

    private int MemoryType(uint allowed, MemoryPropertyFlags wanted)
    {
        for (var i = 0; i < _memory.MemoryTypeCount; i++)
        {
            if ((allowed & (1u << i)) != 0 && (_memory.MemoryTypes[i].PropertyFlags & wanted) == wanted) return i;
        }
        return -1;
    }

    /// <summary>Destroys a buffer's handle and memory, once; a no-op after the device is gone (it freed them).</summary>
    internal void Destroy(VulkanBuffer buffer, DeviceMemory memory)
    {
        lock (_live)
        {
            if (_disposed || !_live.Remove(buffer)) return;
            _deviceBytes -= buffer.DeviceBytes;
        }
        Api.DestroyBuffer(Device, buffer.Handle, null);
        Api.FreeMemory(Device, memory, null);
    }

    /// <summary>Frees buffers still alive (tensors disposed after their engine), then the device.</summary>
    public void Dispose()
    {
        VulkanBuffer[] remaining;
        lock (_live) remaining = [.. _live];
        foreach (var b in remaining) b.Dispose();
        lock (_live) _disposed = true;
        Api.DeviceWaitIdle(Device);
        Api.DestroyDevice(Device, null);
        _instance.Dispose();
    }
}

/// <summary>A buffer with its own memory and device address; <see cref="Mapped"/> is non-null for host-visible ones.</summary>
internal sealed unsafe class VulkanBuffer(VulkanContext context, Buffer handle, DeviceMemory memory, long size, ulong address, byte* mapped, long deviceBytes)
    : IDisposable
{
    /// <summary>Device-local bytes of its allocation; 0 for host-visible buffers.</summary>
    public long DeviceBytes { get; } = deviceBytes;

    public Buffer Handle { get; } = handle;
    public long Size { get; } = size;
    public ulong Address { get; } = address;
    public byte* Mapped { get; } = mapped;

    public void Dispose() => context.Destroy(this, memory);
}

using Silk.NET.Core;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace Hark.Engines.Vulkan;

/// <summary>
/// The Vulkan loader and one instance (API 1.2), with the failure modes users meet turned into one-line
/// <see cref="HarkException"/>s: no loader library, no driver (ICD), no device.
/// </summary>
internal sealed unsafe class VulkanInstance : IDisposable
{
    /// <summary>What to do when Vulkan cannot be reached at all.</summary>
    public const string NoDriverMessage = "no Vulkan driver found: install mesa-vulkan-drivers (CPU) or your GPU's Vulkan driver";

    private VulkanInstance(Vk api, Instance instance, PhysicalDevice[] devices)
    {
        Api = api;
        Handle = instance;
        PhysicalDevices = devices;
    }

    public Vk Api { get; }

    public Instance Handle { get; }

    /// <summary>Physical devices in the loader's order (the N of <c>vulkan:N</c>).</summary>
    public IReadOnlyList<PhysicalDevice> PhysicalDevices { get; }

    /// <summary>Loads the loader, creates an instance and lists the devices.</summary>
    /// <exception cref="HarkException">No loader, no driver, or no device.</exception>
    public static VulkanInstance Create()
    {
        Vk api;
        try
        {
            api = Vk.GetApi();
        }
        catch (Exception e) when (e is DllNotFoundException or FileNotFoundException or PlatformNotSupportedException or TypeInitializationException or InvalidOperationException)
        {
            throw new HarkException(NoDriverMessage, e);
        }
        var name = (byte*)SilkMarshal.StringToPtr("hark");
        try
        {
            var app = new ApplicationInfo
            {
                SType = StructureType.ApplicationInfo,
                PApplicationName = name,
                PEngineName = name,
                ApiVersion = Vk.Version12,
            };
            var info = new InstanceCreateInfo { SType = StructureType.InstanceCreateInfo, PApplicationInfo = &app };
            Instance instance;
            var result = api.CreateInstance(&info, null, &instance);
            if (result != Result.Success)
            {
                api.Dispose();
                throw new HarkException(result == Result.ErrorIncompatibleDriver ? NoDriverMessage : $"{NoDriverMessage} (vkCreateInstance: {result})");
            }
            uint count = 0;
            api.EnumeratePhysicalDevices(instance, &count, null);
            var devices = new PhysicalDevice[count];
            if (count > 0)
            {
                fixed (PhysicalDevice* d = devices) api.EnumeratePhysicalDevices(instance, &count, d);
            }
            var created = new VulkanInstance(api, instance, devices);
            if (count == 0)
            {
                created.Dispose();
                throw new HarkException(NoDriverMessage);
            }
            return created;
        }
        finally
        {
            SilkMarshal.Free((nint)name);
        }
    }

    /// <summary>Throws a <see cref="HarkException"/> naming <paramref name="what"/> when a call failed.</summary>
    public static void Check(Result result, string what)
    {
        if (result != Result.Success) throw new HarkException($"Vulkan {what} failed: {result}");
    }

    /// <summary>Version as <c>major.minor.patch</c>.</summary>
    public static string VersionText(uint v) => $"{v >> 22}.{(v >> 12) & 0x3FF}.{v & 0xFFF}";

    /// <summary>The device's name.</summary>
    public string DeviceName(PhysicalDevice device)
    {
        PhysicalDeviceProperties props;
        Api.GetPhysicalDeviceProperties(device, &props);
        return SilkMarshal.PtrToString((nint)props.DeviceName) ?? "unnamed";
    }

    /// <summary>Extension names the device offers.</summary>
    public HashSet<string> DeviceExtensions(PhysicalDevice device)
    {
        uint count = 0;
        Api.EnumerateDeviceExtensionProperties(device, (byte*)null, &count, null);
        var props = new ExtensionProperties[count];
        fixed (ExtensionProperties* p = props) Api.EnumerateDeviceExtensionProperties(device, (byte*)null, &count, p);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < props.Length; i++)
        {
            var e = props[i];
            names.Add(SilkMarshal.PtrToString((nint)e.ExtensionName) ?? "");
        }
        return names;
    }

    public void Dispose()
    {
        Api.DestroyInstance(Handle, null);
        Api.Dispose();
    }
}

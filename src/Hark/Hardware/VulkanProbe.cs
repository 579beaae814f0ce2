using System.Text.Json;

namespace Hark.Hardware;

/// <summary>Lists Vulkan ICD manifests where the Vulkan loader looks for them on Linux.</summary>
internal static class VulkanProbe
{
    private static readonly string[] Folders =
        ["/etc/vulkan/icd.d", "/usr/share/vulkan/icd.d", "/usr/local/share/vulkan/icd.d", "/usr/local/etc/vulkan/icd.d"];

    public static IReadOnlyList<VulkanDriver> Read(IFileSystemView fs, IReadOnlyDictionary<string, string> env)
    {
        var manifests = new List<string>();
        // VK_DRIVER_FILES (new) and VK_ICD_FILENAMES (old) replace the search entirely.
        var explicitFiles = env.GetValueOrDefault("VK_DRIVER_FILES") ?? env.GetValueOrDefault("VK_ICD_FILENAMES");
        if (!string.IsNullOrWhiteSpace(explicitFiles))
            manifests.AddRange(explicitFiles.Split(':', StringSplitOptions.RemoveEmptyEntries));
        else
            foreach (var folder in Folders)
                manifests.AddRange(fs.List(folder).Where(n => n.EndsWith(".json", StringComparison.Ordinal)).Select(n => $"{folder}/{n}"));

        var drivers = new List<VulkanDriver>();
        foreach (var manifest in manifests)
        {
            var text = fs.ReadText(manifest);
            if (text is null) continue;
            drivers.Add(new VulkanDriver(manifest, LibraryPath(text)));
        }
        return drivers;
    }

    /// <summary>Asks the Vulkan loader for its devices; none when there is no loader or driver (doctor must not fail).</summary>
    public static IReadOnlyList<Engines.Vulkan.VulkanDeviceInfo> ListDevices()
    {
        try
        {
            return Engines.Vulkan.VulkanDevices.List();
        }
        catch (Exception ex) when (ex is HarkException or DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return [];
        }
    }

    private static string? LibraryPath(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("ICD", out var icd) && icd.TryGetProperty("library_path", out var lib) ? lib.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

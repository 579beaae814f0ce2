namespace Hark.Hardware;

/// <summary>
/// What hardware detection reads. Every input can be replaced, so a test (or <c>hark doctor --sysfs-root</c>) can
/// replay another machine: files, environment, ONNX Runtime providers and <c>nvidia-smi</c> output.
/// </summary>
public sealed record HardwareProbeOptions
{
    /// <summary>Files under <c>/sys</c>, <c>/proc</c>, <c>/opt/rocm</c>, <c>/dev</c>, … (default: this machine).</summary>
    public IFileSystemView FileSystem { get; init; } = SysfsRoot.Host;

    /// <summary>Environment variables (default: this process's environment).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>
    /// Execution providers of the ONNX Runtime build (default: ask the native library, but only when
    /// <see cref="FileSystem"/> is the host's; a replayed machine reports none unless given).
    /// </summary>
    public IReadOnlyList<string>? OnnxProviders { get; init; }

    /// <summary>
    /// Output of <c>nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv,noheader,nounits</c>
    /// (default: run it when the host has NVIDIA GPUs).
    /// </summary>
    public string? NvidiaSmiOutput { get; init; }

    /// <summary>
    /// Vulkan devices as the loader reports them (default: ask the loader, but only when <see cref="FileSystem"/> is the
    /// host's; a replayed machine reports none unless given).
    /// </summary>
    public IReadOnlyList<Engines.Vulkan.VulkanDeviceInfo>? VulkanDevices { get; init; }

    /// <summary>Environment variables of this process as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) map[k] = v;
        return map;
    }
}

namespace Hark.Hardware;

/// <summary>An AMD GPU as the KFD topology and the DRM driver describe it.</summary>
/// <param name="NodeId">KFD topology node (what <c>rocminfo</c> calls the agent).</param>
/// <param name="Target">Instruction-set target.</param>
/// <param name="Name">Board name when the driver exposes one, else the family of its target.</param>
/// <param name="ComputeUnits">Compute units (SIMDs divided by SIMDs per CU).</param>
/// <param name="SimdCount">SIMD units.</param>
/// <param name="VramTotalBytes">Device memory (<c>mem_info_vram_total</c>, else the KFD memory bank).</param>
/// <param name="VramUsedBytes">Device memory in use now (<c>mem_info_vram_used</c>).</param>
/// <param name="PciDeviceId">PCI device id.</param>
/// <param name="DrmCard">The DRM card (<c>card1</c>) driving it.</param>
/// <param name="IsApu">True for an integrated GPU sharing the CPU's memory.</param>
public sealed record AmdGpuInfo(
    int NodeId, GfxTarget Target, string Name, int ComputeUnits, int SimdCount,
    long? VramTotalBytes, long? VramUsedBytes, int? PciDeviceId, string? DrmCard, bool IsApu)
{
    /// <summary>Device memory free now, when both figures are known.</summary>
    public long? VramFreeBytes => VramTotalBytes is { } t ? t - (VramUsedBytes ?? 0) : null;
}

/// <summary>An NVIDIA GPU from <c>/proc/driver/nvidia/gpus</c> and, where present, <c>nvidia-smi</c>.</summary>
/// <param name="Index">Order of discovery.</param>
/// <param name="Name">Model name.</param>
/// <param name="BusId">PCI bus id (the folder name under <c>/proc/driver/nvidia/gpus</c>).</param>
/// <param name="MemoryTotalBytes">Device memory, from <c>nvidia-smi</c>.</param>
/// <param name="MemoryUsedBytes">Device memory in use, from <c>nvidia-smi</c>.</param>
public sealed record NvidiaGpuInfo(int Index, string Name, string? BusId, long? MemoryTotalBytes, long? MemoryUsedBytes)
{
    /// <summary>Device memory free now, when known.</summary>
    public long? MemoryFreeBytes => MemoryTotalBytes is { } t ? t - (MemoryUsedBytes ?? 0) : null;
}

/// <summary>A ROCm installation.</summary>
/// <param name="Path">Its folder (<c>ROCM_PATH</c> or <c>/opt/rocm</c>).</param>
/// <param name="Version">Version from <c>.info/version</c> (e.g. <c>6.2.0</c>), when readable.</param>
/// <param name="VersionText">The raw version line (e.g. <c>6.2.0-66</c>).</param>
/// <param name="HasHipRuntime">Whether <c>libamdhip64.so</c> is present.</param>
/// <param name="HasMigraphx">Whether <c>libmigraphx*.so</c> is present.</param>
/// <param name="RocblasTargets">gfx targets rocBLAS ships kernels for (from its <c>library</c> folder); empty when unknown.</param>
public sealed record RocmInstall(string Path, Version? Version, string? VersionText, bool HasHipRuntime, bool HasMigraphx, IReadOnlyList<string> RocblasTargets);

/// <summary>A Vulkan installable client driver manifest.</summary>
/// <param name="ManifestPath">The <c>.json</c> manifest.</param>
/// <param name="LibraryPath">The driver library it names.</param>
public sealed record VulkanDriver(string ManifestPath, string? LibraryPath);

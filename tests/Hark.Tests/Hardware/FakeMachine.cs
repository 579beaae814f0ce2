using Hark.Hardware;

namespace Hark.Tests.Hardware;

/// <summary>Builds a fake machine's /sys, /proc, /dev and /opt/rocm in a temp folder for <see cref="SysfsRoot"/>.</summary>
internal sealed class FakeMachine : IDisposable
{
    private readonly TempDir _dir = new();
    private int _nextNode = 1;
    private int _nextCard;

    public FakeMachine(string cpuFlags = "fpu sse sse2 avx avx2 fma f16c", int cores = 8, long memTotalKb = 32L << 20)
    {
        var cpu = new System.Text.StringBuilder();
        for (var i = 0; i < cores; i++)
            cpu.Append($"processor\t: {i}\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD Ryzen 7 7700X 8-Core Processor\nphysical id\t: 0\ncore id\t\t: {i}\nflags\t\t: {cpuFlags}\n\n");
        Write("/proc/cpuinfo", cpu.ToString());
        Write("/proc/meminfo", $"MemTotal:       {memTotalKb} kB\nMemFree:        {memTotalKb / 2} kB\nMemAvailable:   {memTotalKb * 3 / 4} kB\n");
        // KFD node 0 is the CPU.
        Write("/sys/class/kfd/kfd/topology/nodes/0/properties", "cpu_cores_count 8\nsimd_count 0\ngfx_target_version 0\nvendor_id 0\n");
    }

    public string Root => _dir.FullName;

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public List<string>? OnnxProviders { get; set; } = ["CPUExecutionProvider"];

    public string? NvidiaSmi { get; set; }

    public List<Hark.Engines.Vulkan.VulkanDeviceInfo> VulkanDevices { get; } = [];

    public FakeMachine Write(string path, string text)
    {
        var full = System.IO.Path.Combine(Root, path.TrimStart('/'));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public FakeMachine Folder(string path)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Root, path.TrimStart('/')));
        return this;
    }

    /// <summary>An AMD GPU: a KFD node plus a DRM card with the same render node.</summary>
    public FakeMachine AmdGpu(int gfxTargetVersion, int simdCount, int simdPerCu, int deviceId, long vramTotal, long vramUsed, bool apu = false)
    {
        var node = _nextNode++;
        var card = _nextCard++;
        var render = 128 + card;
        Write($"/sys/class/kfd/kfd/topology/nodes/{node}/properties",
            $"cpu_cores_count {(apu ? 8 : 0)}\nsimd_count {simdCount}\nmem_banks_count 1\ngfx_target_version {gfxTargetVersion}\n" +
            $"simd_per_cu {simdPerCu}\nvendor_id 4098\ndevice_id {deviceId}\ndrm_render_minor {render}\n");
        Write($"/sys/class/kfd/kfd/topology/nodes/{node}/mem_banks/0/properties", $"heap_type 1\nsize_in_bytes {vramTotal}\n");
        var dev = $"/sys/class/drm/card{card}/device";
        Write($"{dev}/vendor", "0x1002\n");
        Write($"{dev}/device", $"0x{deviceId:x4}\n");
        Write($"{dev}/mem_info_vram_total", $"{vramTotal}\n");
        Write($"{dev}/mem_info_vram_used", $"{vramUsed}\n");
        Folder($"{dev}/drm/renderD{render}");
        Folder($"{dev}/drm/card{card}");
        Write("/dev/kfd", "");
        return this;
    }

    public FakeMachine Rocm(string version, params string[] rocblasTargets)
    {
        Write("/opt/rocm/.info/version", version + "\n");
        Write("/opt/rocm/lib/libamdhip64.so.6", "");
        Write("/opt/rocm/lib/libmigraphx.so.2", "");
        foreach (var t in rocblasTargets)
        {
            Write($"/opt/rocm/lib/rocblas/library/TensileLibrary_lazy_{t}.dat", "");
            Write($"/opt/rocm/lib/rocblas/library/Kernels.so-000-{t}.hsaco", "");
        }
        return this;
    }

    public FakeMachine Vulkan(string manifest, string library) =>
        Write($"/usr/share/vulkan/icd.d/{manifest}", $"{{\"file_format_version\":\"1.0.0\",\"ICD\":{{\"library_path\":\"{library}\",\"api_version\":\"1.3.0\"}}}}");

    public FakeMachine NvidiaGpu(string bus, string model)
    {
        Write($"/proc/driver/nvidia/gpus/{bus}/information",
            $"Model: \t\t {model}\nIRQ:   \t\t 139\nGPU UUID: \t GPU-0c8e3f1a-0000-0000-0000-000000000000\nBus Type: \t PCIe\nDevice Minor: \t 0\n");
        Write("/proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\nGCC version:  gcc version 12.3.0\n");
        return this;
    }

    public MachineReport Detect() => HardwareDetector.Detect(new HardwareProbeOptions
    {
        FileSystem = new SysfsRoot(Root),
        Environment = Environment,
        OnnxProviders = OnnxProviders,
        NvidiaSmiOutput = NvidiaSmi,
        VulkanDevices = VulkanDevices,
    });

    public DoctorReport Advise() => DoctorAdvisor.Advise(Detect());

    public void Dispose() => _dir.Dispose();
}

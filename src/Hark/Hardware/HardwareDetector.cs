using System.Runtime.InteropServices;

namespace Hark.Hardware;

/// <summary>Reads the machine: CPU, memory, AMD and NVIDIA GPUs, ROCm, Vulkan drivers, ONNX Runtime providers.</summary>
public static class HardwareDetector
{
    /// <summary>Detects what <paramref name="options"/> points at (default: this machine). Never throws for missing files.</summary>
    public static MachineReport Detect(HardwareProbeOptions? options = null)
    {
        options ??= new HardwareProbeOptions();
        var fs = options.FileSystem;
        var env = options.Environment ?? HardwareProbeOptions.ProcessEnvironment();

        var amd = AmdGpuProbe.Read(fs);
        var nvidiaPresent = fs.DirectoryExists("/proc/driver/nvidia/gpus");
        var smi = options.NvidiaSmiOutput ?? (fs.IsHostRoot && nvidiaPresent ? NvidiaGpuProbe.RunSmi() : null);
        var providers = options.OnnxProviders ?? (fs.IsHostRoot ? OnnxProviderProbe.Query() : null);

        return new MachineReport
        {
            Platform = fs.IsHostRoot ? RuntimeInformation.RuntimeIdentifier : "linux-replayed",
            Cpu = CpuProbe.ReadCpu(fs),
            Memory = CpuProbe.ReadMemory(fs),
            AmdGpus = amd,
            AmdCardsWithoutCompute = AmdGpuProbe.CardsWithoutCompute(fs, amd),
            HasKfdDevice = fs.FileExists("/dev/kfd"),
            Rocm = RocmProbe.Read(fs, env),
            NvidiaGpus = NvidiaGpuProbe.Read(fs, smi),
            NvidiaDriverVersion = NvidiaGpuProbe.DriverVersion(fs),
            VulkanDrivers = VulkanProbe.Read(fs, env),
            VulkanDevices = options.VulkanDevices ?? (fs.IsHostRoot ? VulkanProbe.ListDevices() : []),
            OnnxProviders = providers,
            Environment = MachineReport.RelevantVariables
                .Where(env.ContainsKey)
                .ToDictionary(k => k, k => env[k], StringComparer.Ordinal),
        };
    }
}

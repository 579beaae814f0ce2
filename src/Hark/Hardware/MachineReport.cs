namespace Hark.Hardware;

/// <summary>Everything hardware detection found on one machine; the input of <see cref="DoctorAdvisor"/>.</summary>
public sealed record MachineReport
{
    /// <summary>Operating system and architecture (<c>linux-x64</c>).</summary>
    public required string Platform { get; init; }
    /// <summary>The CPU.</summary>
    public required CpuInfo Cpu { get; init; }
    /// <summary>Host memory; null when not detected.</summary>
    public HostMemory? Memory { get; init; }
    /// <summary>AMD GPUs with a compute (KFD) node.</summary>
    public IReadOnlyList<AmdGpuInfo> AmdGpus { get; init; } = [];
    /// <summary>AMD display cards without a KFD node (amdgpu without compute, or too old).</summary>
    public IReadOnlyList<string> AmdCardsWithoutCompute { get; init; } = [];
    /// <summary>Whether <c>/dev/kfd</c> (the ROCm compute device) exists.</summary>
    public bool HasKfdDevice { get; init; }
    /// <summary>ROCm installation; null when none.</summary>
    public RocmInstall? Rocm { get; init; }
    /// <summary>NVIDIA GPUs.</summary>
    public IReadOnlyList<NvidiaGpuInfo> NvidiaGpus { get; init; } = [];
    /// <summary>NVIDIA kernel driver version.</summary>
    public string? NvidiaDriverVersion { get; init; }
    /// <summary>Vulkan drivers (ICD manifests).</summary>
    public IReadOnlyList<VulkanDriver> VulkanDrivers { get; init; } = [];
    /// <summary>Vulkan devices the loader exposes (vendor, driver, heaps, subgroup size, fp16/int8/cooperative-matrix support).</summary>
    public IReadOnlyList<Engines.Vulkan.VulkanDeviceInfo> VulkanDevices { get; init; } = [];
    /// <summary>ONNX Runtime execution providers; null when the native library could not be asked.</summary>
    public IReadOnlyList<string>? OnnxProviders { get; init; }
    /// <summary>The environment variables that change what runs where (only those set).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The variables <see cref="Environment"/> keeps.</summary>
    public static IReadOnlyList<string> RelevantVariables { get; } =
    [
        "HSA_OVERRIDE_GFX_VERSION", "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES",
        "GPU_DEVICE_ORDINAL", "ROCM_PATH", "HIP_PATH", "VK_ICD_FILENAMES", "VK_DRIVER_FILES", "OMP_NUM_THREADS",
    ];

    /// <summary>True when an ONNX Runtime provider of that name is present.</summary>
    public bool HasOnnxProvider(string name) => OnnxProviders?.Contains(name, StringComparer.Ordinal) == true;
}

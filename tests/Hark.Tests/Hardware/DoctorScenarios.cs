namespace Hark.Tests.Hardware;

/// <summary>
/// The fake machines the doctor is tested on, by name, so that a test can run over every one of them (see
/// <see cref="DoctorCommandLineTests"/>).
/// </summary>
internal static class DoctorScenarios
{
    private const long GiB = 1L << 30;

    /// <summary>Every scenario: name and how to build it.</summary>
    public static IReadOnlyDictionary<string, Func<FakeMachine>> All { get; } = new Dictionary<string, Func<FakeMachine>>
    {
        ["rx7800xt"] = Rx7800Xt,
        ["rx7800xt-needless-override"] = () => With(Rx7800Xt(), "HSA_OVERRIDE_GFX_VERSION", "11.0.1"),
        ["rx7800xt-rdna2-override"] = () => With(Rx7800Xt(), "HSA_OVERRIDE_GFX_VERSION", "10.3.0"),
        ["rx7800xt-migraphx"] = () => { var m = Rx7800Xt(); m.OnnxProviders = ["MIGraphXExecutionProvider", "CPUExecutionProvider"]; return m; },
        ["rx6700xt"] = Rx6700Xt,
        ["rx6700xt-right-override"] = () => With(Rx6700Xt(), "HSA_OVERRIDE_GFX_VERSION", "10.3.0"),
        ["rx6700xt-malformed-override"] = () => With(Rx6700Xt(), "HSA_OVERRIDE_GFX_VERSION", "gfx1030"),
        ["mi300x"] = Mi300x,
        ["rtx4090-cuda"] = Rtx4090WithCuda,
        ["rtx3060-no-cuda"] = Rtx3060WithoutCuda,
        ["cpu-only"] = CpuOnly,
        ["apu-beside-discrete-gpu"] = ApuBesideDiscreteGpu,
        ["amd-without-rocm"] = AmdWithoutRocm,
    };

    /// <summary>Names of <see cref="All"/> as xunit member data.</summary>
    public static TheoryData<string> Names => [.. All.Keys];

    public static FakeMachine Rx7800Xt() =>
        new FakeMachine()
            .AmdGpu(110001, simdCount: 120, simdPerCu: 2, deviceId: 0x747e, vramTotal: 16 * GiB, vramUsed: 512L << 20)
            .Rocm("6.2.0-66", "gfx1030", "gfx1100", "gfx1101", "gfx1102", "gfx90a", "gfx942")
            .Vulkan("radeon_icd.x86_64.json", "/usr/lib/x86_64-linux-gnu/libvulkan_radeon.so");

    public static FakeMachine Rx6700Xt() =>
        new FakeMachine()
            .AmdGpu(100301, simdCount: 80, simdPerCu: 2, deviceId: 0x73df, vramTotal: 12 * GiB, vramUsed: 300L << 20)
            .Rocm("6.2.0-66")
            .Vulkan("radeon_icd.x86_64.json", "libvulkan_radeon.so");

    public static FakeMachine Mi300x()
    {
        var m = new FakeMachine(cores: 96, memTotalKb: 1536L << 20)
            .AmdGpu(90402, simdCount: 1216, simdPerCu: 4, deviceId: 0x74a1, vramTotal: 192 * GiB, vramUsed: 1 * GiB)
            .Rocm("6.2.0-66", "gfx90a", "gfx942");
        m.OnnxProviders = ["MIGraphXExecutionProvider", "ROCMExecutionProvider", "CPUExecutionProvider"];
        return m;
    }

    public static FakeMachine Rtx4090WithCuda()
    {
        var m = new FakeMachine().NvidiaGpu("0000:01:00.0", "NVIDIA GeForce RTX 4090");
        m.NvidiaSmi = "NVIDIA GeForce RTX 4090, 24564, 1024\n";
        m.OnnxProviders = ["CUDAExecutionProvider", "CPUExecutionProvider"];
        m.Environment["HSA_OVERRIDE_GFX_VERSION"] = "10.3.0";
        return m;
    }

    public static FakeMachine Rtx3060WithoutCuda()
    {
        var m = new FakeMachine().NvidiaGpu("0000:01:00.0", "NVIDIA GeForce RTX 3060")
            .Vulkan("nvidia_icd.json", "libGLX_nvidia.so.0");
        m.NvidiaSmi = "NVIDIA GeForce RTX 3060, 12288, 500\n";
        return m;
    }

    public static FakeMachine CpuOnly() => new(cores: 4, memTotalKb: 8L << 20);

    public static FakeMachine ApuBesideDiscreteGpu() =>
        new FakeMachine()
            .AmdGpu(110003, simdCount: 24, simdPerCu: 2, deviceId: 0x15bf, vramTotal: 512L << 20, vramUsed: 100L << 20, apu: true)
            .AmdGpu(110000, simdCount: 192, simdPerCu: 2, deviceId: 0x744c, vramTotal: 24 * GiB, vramUsed: 1 * GiB)
            .Rocm("6.2.0-66", "gfx1100")
            .Vulkan("radeon_icd.x86_64.json", "libvulkan_radeon.so");

    public static FakeMachine AmdWithoutRocm() =>
        new FakeMachine()
            .AmdGpu(100301, simdCount: 80, simdPerCu: 2, deviceId: 0x73df, vramTotal: 12 * GiB, vramUsed: 0)
            .Vulkan("radeon_icd.x86_64.json", "libvulkan_radeon.so");

    private static FakeMachine With(FakeMachine m, string variable, string value)
    {
        m.Environment[variable] = value;
        return m;
    }
}

using Hark.Engines.Vulkan;
using Hark.Tests.Transcription;
using Hark.Tests.Vulkan;

namespace Hark.Tests.Hardware;

/// <summary>A Vulkan device that runs on the CPU (lavapipe) is known by the device type its driver reports, not by file names.</summary>
public class SoftwareVulkanTests(RandomModelFolder model) : IClassFixture<RandomModelFolder>
{
    private static VulkanDeviceInfo Device(string name, string type) =>
        new(0, name, "Mesa", type, "1.3.255", "driver", [new(8L << 30, false)], 8, true, true, true, true, false, true, null);

    [Fact]
    public void Doctor_advises_against_vulkan_when_the_only_device_is_a_CPU_whatever_its_manifest_is_called()
    {
        using var m = new FakeMachine().Vulkan("renamed_icd.x86_64.json", "/usr/lib/x86_64-linux-gnu/libvulkan_renamed.so");
        m.VulkanDevices.Add(Device("llvmpipe (LLVM 19.1.7, 256 bits)", "CPU"));
        Assert.Contains(m.Advise().Advice, a => a.Code == "vulkan.software-only");
    }

    [Fact]
    public void Doctor_does_not_call_a_GPU_software_because_its_manifest_mentions_lvp()
    {
        using var m = new FakeMachine().Vulkan("lvp_icd.x86_64.json", "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so");
        m.VulkanDevices.Add(Device("AMD Radeon RX 7800 XT (RADV NAVI32)", "discrete GPU"));
        Assert.DoesNotContain(m.Advise().Advice, a => a.Code == "vulkan.software-only");
    }

    [CpuVulkanFact]
    public async Task Device_vulkan_on_a_CPU_Vulkan_device_warns_on_stderr_and_points_to_the_CPU_engine()
    {
        using var dir = Fixtures.TempDir();
        var r = await HarkProcess.RunAsync(["transcribe", Fixtures.Path("audio/jfk.wav"), "--model", model.Folder, "--device", "vulkan",
            "--language", "en", "--beam-size", "1", "--max-new-tokens", "4", "-o", dir.FullName, "-f", "txt"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var warning = Assert.Single(r.Stderr.Split('\n'), l => l.StartsWith("hark: warning:", StringComparison.Ordinal));
        Assert.Contains("runs on the CPU", warning, StringComparison.Ordinal);
        Assert.Contains("--device cpu", warning, StringComparison.Ordinal);
    }
}

/// <summary>A fact that needs <c>vulkan:0</c> to be a CPU Vulkan device (lavapipe); skipped, with the reason, elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CpuVulkanFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> unless vulkan:0 is a CPU device.</summary>
    public CpuVulkanFactAttribute()
    {
        if (VulkanTestDevice.Unavailable is { } reason) Skip = "Vulkan unavailable: " + reason;
        else if (!VulkanDevices.List()[0].IsCpu) Skip = "vulkan:0 is not a CPU Vulkan device";
    }
}

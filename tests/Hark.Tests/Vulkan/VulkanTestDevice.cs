using Hark.Engines.Cpu;
using Hark.Engines.Vulkan;

namespace Hark.Tests.Vulkan;

/// <summary>Probes once per process whether a Vulkan device exists (lavapipe counts); tests skip only when none does.</summary>
internal static class VulkanTestDevice
{
    private static readonly Lazy<string?> Reason = new(() =>
    {
        try
        {
            var devices = VulkanDevices.List();
            return devices.Any(d => d.Usable) ? null : "no usable Vulkan device: " + string.Join("; ", devices.Select(d => $"{d.Name}: {d.Problem}"));
        }
        catch (HarkException e)
        {
            return e.Message;
        }
    });

    /// <summary>Why Vulkan tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => Reason.Value;
}

/// <summary>A fact that runs when a Vulkan device exists and is skipped, with the reason, when none does.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class VulkanFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when no Vulkan device is present.</summary>
    public VulkanFactAttribute()
    {
        if (VulkanTestDevice.Unavailable is { } reason) Skip = "Vulkan unavailable: " + reason;
    }
}

/// <summary>A theory that runs when a Vulkan device exists and is skipped, with the reason, when none does.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class VulkanTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when no Vulkan device is present.</summary>
    public VulkanTheoryAttribute()
    {
        if (VulkanTestDevice.Unavailable is { } reason) Skip = "Vulkan unavailable: " + reason;
    }
}

/// <summary>One Vulkan and one CPU backend shared by the op tests (device creation costs more than most ops).</summary>
public sealed class BackendPair : IDisposable
{
    private readonly Lazy<VulkanBackend> _vulkan = new(() => VulkanBackend.Create(0));

    private readonly Lazy<VulkanBackend> _float32Arithmetic = new(() => VulkanBackend.Create(0, new VulkanBackendOptions { HalfArithmetic = false }));

    /// <summary>Vulkan device 0 with default options (half arithmetic where the device has shader float16).</summary>
    public VulkanBackend Vulkan => _vulkan.Value;

    /// <summary>Vulkan device 0 with float32 arithmetic throughout.</summary>
    public VulkanBackend VulkanFloat32Arithmetic => _float32Arithmetic.Value;

    private readonly Lazy<VulkanBackend> _packedFloat16 = new(() => VulkanBackend.Create(0, new VulkanBackendOptions { DirectFloat16Writes = false }));

    /// <summary>Vulkan device 0 writing float16 keys/values through float32 scratch and a packing pass.</summary>
    public VulkanBackend VulkanPackedFloat16 => _packedFloat16.Value;

    /// <summary>
    /// The reference: int8 and bf16 weights widened to float32 against float32 activations, as the Vulkan shaders do (the
    /// CPU's integer and VDPBF16PS kernels also round activations).
    /// </summary>
    public CpuBackend Cpu { get; } = new(2, Int8Kernel.Float32Reference, BFloat16Kernel.Float32Widened);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_vulkan.IsValueCreated) _vulkan.Value.Dispose();
        if (_float32Arithmetic.IsValueCreated) _float32Arithmetic.Value.Dispose();
        if (_packedFloat16.IsValueCreated) _packedFloat16.Value.Dispose();
        Cpu.Dispose();
    }
}

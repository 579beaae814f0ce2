using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

/// <summary>A fact that runs when this machine runs the bfloat16 kernel and is skipped, saying why, when it does not.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BFloat16KernelFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when <paramref name="kernel"/> cannot run here.</summary>
    public BFloat16KernelFactAttribute(BFloat16Kernel kernel)
    {
        if (!BFloat16KernelSelection.IsSupported(kernel))
            Skip = $"the {kernel} bfloat16 kernel cannot run here: {Hark.Engines.Cpu.Native.NativeKernels.BFloat16Missing}";
    }
}

using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

/// <summary>A fact that runs when this CPU has the int8 kernel's instructions and is skipped, saying so, when it does not.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class Int8KernelFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when <paramref name="kernel"/> cannot run here.</summary>
    public Int8KernelFactAttribute(Int8Kernel kernel)
    {
        if (!Int8KernelSelection.IsSupported(kernel)) Skip = $"this CPU lacks the instructions of the {kernel} int8 kernel";
    }
}

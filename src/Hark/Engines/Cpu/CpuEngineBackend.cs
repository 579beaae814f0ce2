using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>The managed engine on the host CPU (<see cref="CpuBackend"/>).</summary>
internal sealed class CpuEngineBackend : ManagedBackend
{
    /// <inheritdoc />
    public override DeviceKind Device => DeviceKind.Cpu;

    /// <inheritdoc />
    public override IOpBackend CreateOpBackend(EngineDevice device, ManagedEngineOptions options) => new CpuBackend(options.Threads, options.Int8Kernel, options.BFloat16Kernel);
}

using System.Collections.Immutable;
using Hark.Engines.Cpu;
using Hark.Engines.Onnx;
using Hark.Engines.Vulkan;

namespace Hark.Engines;

/// <summary>
/// Which <see cref="EngineBackend"/> serves each engine family on each device family. Immutable: <see cref="Default"/>
/// holds what this build ships, <see cref="With"/> returns a copy with one more (or a replaced) backend.
/// </summary>
public sealed class EngineRegistry
{
    private readonly ImmutableArray<EngineBackend> _backends;

    private EngineRegistry(ImmutableArray<EngineBackend> backends) => _backends = backends;

    /// <summary>A registry with no backend.</summary>
    public static EngineRegistry Empty { get; } = new([]);

    /// <summary>The backends of this build: the managed engine on cpu and vulkan, ONNX Runtime on cpu, cuda and rocm.</summary>
    public static EngineRegistry Default { get; } = Empty
        .With(new CpuEngineBackend())
        .With(new VulkanEngineBackend())
        .With(new OnnxEngineBackend(DeviceKind.Cpu, OnnxDevice.Cpu))
        .With(new OnnxEngineBackend(DeviceKind.Cuda, OnnxDevice.Cuda))
        .With(new OnnxEngineBackend(DeviceKind.Rocm, OnnxDevice.Rocm));

    /// <summary>Every backend, in registration order.</summary>
    public IReadOnlyList<EngineBackend> Backends => _backends;

    /// <summary>A copy with <paramref name="backend"/> added, replacing one registered for the same engine and device.</summary>
    public EngineRegistry With(EngineBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var existing = Find(backend.Engine, backend.Device);
        return new EngineRegistry(existing is null ? _backends.Add(backend) : _backends.Replace(existing, backend));
    }

    /// <summary>The backend of <paramref name="engine"/> on <paramref name="device"/>, or null.</summary>
    public EngineBackend? Find(EngineKind engine, DeviceKind device)
    {
        foreach (var b in _backends)
            if (b.Engine == engine && b.Device == device) return b;
        return null;
    }

    /// <summary>The device families <paramref name="engine"/> runs on here.</summary>
    public IReadOnlyList<DeviceKind> Devices(EngineKind engine) => [.. _backends.Where(b => b.Engine == engine).Select(b => b.Device)];

    /// <summary>The backend of <paramref name="engine"/> on <paramref name="device"/>.</summary>
    /// <exception cref="HarkInputException">No backend runs that engine on that device; the message lists the devices it runs on.</exception>
    public EngineBackend Resolve(EngineKind engine, EngineDevice device)
    {
        if (Find(engine, device.Kind) is { } backend) return backend;
        var devices = Devices(engine);
        if (devices.Count == 0)
            throw new HarkInputException($"engine '{EngineVocabulary.Name(engine)}' is not available in this build", field: "engine");
        var where = string.Join(" or ", devices.Select(d => d == DeviceKind.Cpu ? "cpu" : EngineVocabulary.Name(d) + "[:N]"));
        throw new HarkInputException($"the {EngineVocabulary.Name(engine)} engine runs on {where}, not {device}", field: "device");
    }

    /// <summary>Loads the model in <paramref name="folder"/> on the backend <paramref name="options"/> name.</summary>
    /// <exception cref="HarkInputException">No such backend, or the folder does not suit it.</exception>
    public IWhisperEngine Load(string folder, EngineLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Resolve(options.Engine, options.Device).Load(folder, options);
    }
}

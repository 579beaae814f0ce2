using Hark.Engines;

namespace Hark.Tests.Engines;

public class EngineRegistryTests
{
    /// <summary>A backend that loads nothing: enough to see which one the registry picks.</summary>
    private sealed class FakeBackend(EngineKind engine, DeviceKind device) : EngineBackend
    {
        public override EngineKind Engine => engine;
        public override DeviceKind Device => device;
        public string? LoadedFolder { get; private set; }

        public override IWhisperEngine Load(string folder, EngineLoadOptions options)
        {
            LoadedFolder = folder;
            throw new HarkException("fake backend loads nothing");
        }
    }

    [Fact]
    public void The_default_registry_runs_the_managed_engine_on_cpu_and_vulkan_and_onnx_on_cpu_cuda_and_rocm()
    {
        Assert.Equal([DeviceKind.Cpu, DeviceKind.Vulkan], EngineRegistry.Default.Devices(EngineKind.Managed));
        Assert.Equal([DeviceKind.Cpu, DeviceKind.Cuda, DeviceKind.Rocm], EngineRegistry.Default.Devices(EngineKind.Onnx));
        Assert.All(EngineRegistry.Default.Backends.Where(b => b.Engine == EngineKind.Managed), b => Assert.True(b.Float32Activations));
    }

    [Fact]
    public void A_new_backend_is_one_registration_and_leaves_the_default_unchanged()
    {
        var cuda = new FakeBackend(EngineKind.Managed, DeviceKind.Cuda);
        var registry = EngineRegistry.Default.With(cuda);
        Assert.Same(cuda, registry.Resolve(EngineKind.Managed, new EngineDevice(DeviceKind.Cuda, 1)));
        Assert.Null(EngineRegistry.Default.Find(EngineKind.Managed, DeviceKind.Cuda));
        Assert.Throws<HarkException>(() => registry.Load("some-folder", new EngineLoadOptions { Device = new EngineDevice(DeviceKind.Cuda) }));
        Assert.Equal("some-folder", cuda.LoadedFolder);
    }

    [Fact]
    public void Registering_the_same_engine_and_device_again_replaces_the_backend()
    {
        var replacement = new FakeBackend(EngineKind.Onnx, DeviceKind.Cpu);
        var registry = EngineRegistry.Default.With(replacement);
        Assert.Same(replacement, registry.Find(EngineKind.Onnx, DeviceKind.Cpu));
        Assert.Equal(EngineRegistry.Default.Backends.Count, registry.Backends.Count);
    }

    [Fact]
    public void An_engine_on_a_device_it_does_not_run_on_lists_the_devices_it_runs_on()
    {
        var ex = Assert.Throws<HarkInputException>(() => EngineRegistry.Default.Resolve(EngineKind.Managed, new EngineDevice(DeviceKind.Rocm, 2)));
        Assert.Equal("device", ex.Field);
        Assert.Contains("runs on cpu or vulkan[:N], not rocm:2", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<HarkInputException>(() => EngineRegistry.Empty.Resolve(EngineKind.Onnx, EngineDevice.Cpu));
        Assert.Equal("engine", ex.Field);
    }

    [Fact]
    public void A_managed_engine_loaded_through_a_registered_backend_reports_its_device()
    {
        using var engine = ManagedEngine.Load(EngineTestData.TinyDims, EngineTestData.Weights("tiny-dims"), new ManagedEngineOptions { Threads = 1 },
            (ManagedBackend)EngineRegistry.Default.Resolve(EngineKind.Managed, EngineDevice.Cpu));
        Assert.Equal(EngineDevice.Cpu, engine.Description.Device);
    }
}

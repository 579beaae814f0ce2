using System.Diagnostics;
using System.Text.Json;
using Hark.Engines;
using Hark.Hardware;

namespace Hark.Tests.Hardware;

public class DoctorScenarioTests
{
    private const long GiB = 1L << 30;

    private static JsonElement Json(DoctorReport report)
    {
        var json = DoctorJson.Serialize(report);
        using var schemaDoc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "doctor-schema.json")));
        var doc = JsonDocument.Parse(json);
        var errors = JsonSchemaSubset.Validate(schemaDoc.RootElement, doc.RootElement);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + json);
        return doc.RootElement;
    }

    private static AdviceLine Line(DoctorReport r, string code) =>
        r.Advice.FirstOrDefault(a => a.Code == code) ?? throw new Xunit.Sdk.XunitException(
            $"no advice '{code}' among: {string.Join(", ", r.Advice.Select(a => a.Code))}");

    [Fact]
    public void Vulkan_devices_are_listed_with_their_capabilities_in_the_json()
    {
        using var m = DoctorScenarios.Rx7800Xt();
        m.VulkanDevices.Add(new Hark.Engines.Vulkan.VulkanDeviceInfo(0, "AMD Radeon RX 7800 XT (RADV NAVI32)", "AMD", "Discrete",
            "1.3.289", "radv Mesa 24.2.8", [new(16 * GiB, true), new(24 * GiB, false)], 64, true, true, true, true, true, true, null));
        var json = Json(m.Advise());
        var device = Assert.Single(json.GetProperty("vulkan_devices").EnumerateArray());
        Assert.Equal("AMD Radeon RX 7800 XT (RADV NAVI32)", device.GetProperty("name").GetString());
        Assert.Equal(16 * GiB, device.GetProperty("device_local_bytes").GetInt64());
        Assert.Equal(64, device.GetProperty("subgroup_size").GetInt32());
        Assert.True(device.GetProperty("cooperative_matrix").GetBoolean());
    }

    [Fact]
    public void Rx7800Xt_with_needless_override_warns_to_unset_it_and_picks_vulkan()
    {
        using var m = DoctorScenarios.Rx7800Xt();
        m.Environment["HSA_OVERRIDE_GFX_VERSION"] = "11.0.1";
        var r = m.Advise();

        var gpu = Assert.Single(r.Machine.AmdGpus);
        Assert.Equal("gfx1101", gpu.Target.Name);
        Assert.Equal(60, gpu.ComputeUnits);
        Assert.Equal(16 * GiB, gpu.VramTotalBytes);
        Assert.Equal("card0", gpu.DrmCard);

        var needless = Line(r, "override.needless");
        Assert.Equal(AdviceSeverity.Warning, needless.Severity);
        Assert.Contains("HSA_OVERRIDE_GFX_VERSION=11.0.1 is needless", needless.Message);
        Assert.Contains("unset", needless.Message);
        Assert.Contains("rocBLAS", needless.Reason);
        Assert.Contains("6.4.1", Line(r, "rocm.unofficial").Message);
        Assert.DoesNotContain(r.Advice, a => a.Code == "override.needed");
        Assert.Equal(AdviceSeverity.Warning, r.Advice[0].Severity);

        // The NuGet ONNX Runtime has no MIGraphX provider, so the Vulkan engine drives the GPU.
        Line(r, "onnx.no-rocm");
        Assert.Equal(EngineKind.Managed, r.Engine.Engine);
        Assert.Equal(DeviceKind.Vulkan, r.Engine.Device.Kind);
        var large = r.Models.Single(x => x.Model == "large-v3");
        Assert.Equal(ComputePrecision.Float16, large.Precision);
        Assert.InRange(large.BatchSize, 1, 32);

        var json = Json(r);
        Assert.Equal("gfx1101", json.GetProperty("amd_gpus")[0].GetProperty("target").GetString());
        Assert.True(json.GetProperty("amd_gpus")[0].GetProperty("rocm_support").GetProperty("kernels_shipped").GetBoolean());
        Assert.Equal("6.2.0-66", json.GetProperty("rocm").GetProperty("version").GetString());
        Assert.Equal("11.0.1", json.GetProperty("environment").GetProperty("HSA_OVERRIDE_GFX_VERSION").GetString());
        Assert.Equal("managed", json.GetProperty("engine").GetProperty("engine").GetString());
        Assert.Equal("vulkan", json.GetProperty("engine").GetProperty("device").GetString());
        Assert.Contains(json.GetProperty("advice").EnumerateArray(), a => a.GetProperty("code").GetString() == "override.needless");
    }

    [Fact]
    public void Rx7800Xt_with_an_RDNA2_override_is_a_mismatch()
    {
        using var m = DoctorScenarios.Rx7800Xt();
        m.Environment["HSA_OVERRIDE_GFX_VERSION"] = "10.3.0";
        var line = Line(m.Advise(), "override.mismatch");
        Assert.Contains("gfx1030 code on a gfx1101", line.Message);
    }

    [Fact]
    public void Rx7800Xt_with_a_migraphx_onnx_runtime_uses_onnx_on_rocm()
    {
        using var m = DoctorScenarios.Rx7800Xt();
        m.OnnxProviders = ["MIGraphXExecutionProvider", "CPUExecutionProvider"];
        var r = m.Advise();
        Assert.Equal(EngineKind.Onnx, r.Engine.Engine);
        Assert.Equal(new EngineDevice(DeviceKind.Rocm, 0), r.Engine.Device);
        Assert.Equal("override.not-needed", Line(r, "override.not-needed").Code);
    }

    [Fact]
    public void Rx6700Xt_without_override_is_told_to_export_10_3_0()
    {
        using var m = DoctorScenarios.Rx6700Xt();
        var r = m.Advise();
        var gpu = Assert.Single(r.Machine.AmdGpus);
        Assert.Equal("gfx1031", gpu.Target.Name);
        Assert.Equal(40, gpu.ComputeUnits);

        var needed = Line(r, "override.needed");
        Assert.Equal(AdviceSeverity.Recommend, needed.Severity);
        Assert.Equal("export HSA_OVERRIDE_GFX_VERSION=10.3.0 (for gfx1031)", needed.Message);
        Assert.Contains("gfx1030", needed.Reason);

        var json = Json(r);
        var support = json.GetProperty("amd_gpus")[0].GetProperty("rocm_support");
        Assert.False(support.GetProperty("kernels_shipped").GetBoolean());
        Assert.Equal("10.3.0", support.GetProperty("override").GetString());
        Assert.Equal(JsonValueKind.Null, support.GetProperty("official_since").ValueKind);
        Assert.Equal(12L * GiB, json.GetProperty("amd_gpus")[0].GetProperty("vram_total_bytes").GetInt64());
    }

    [Fact]
    public void Rx6700Xt_with_the_right_override_is_confirmed_and_with_a_wrong_one_corrected()
    {
        using var m = DoctorScenarios.Rx6700Xt();
        m.Environment["HSA_OVERRIDE_GFX_VERSION"] = "10.3.0";
        Assert.Equal(AdviceSeverity.Info, Line(m.Advise(), "override.ok").Severity);
        m.Environment["HSA_OVERRIDE_GFX_VERSION"] = "11.0.0";
        Assert.Contains("use 10.3.0", Line(m.Advise(), "override.mismatch").Message);
        m.Environment["HSA_OVERRIDE_GFX_VERSION"] = "gfx1030";
        Line(m.Advise(), "override.malformed");
    }

    [Fact]
    public void Mi300x_runs_onnx_on_rocm_with_full_batches_and_no_override()
    {
        using var m = DoctorScenarios.Mi300x();
        var r = m.Advise();

        var gpu = Assert.Single(r.Machine.AmdGpus);
        Assert.Equal("gfx942", gpu.Target.Name);
        Assert.Equal(304, gpu.ComputeUnits);
        Assert.Contains("MI300X", gpu.Name);
        Assert.Equal(EngineKind.Onnx, r.Engine.Engine);
        Assert.Equal(DeviceKind.Rocm, r.Engine.Device.Kind);
        Line(r, "override.not-needed");
        Assert.DoesNotContain(r.Advice, a => a.Severity == AdviceSeverity.Warning);
        Assert.All(r.Models, x => Assert.Equal((ComputePrecision.Float16, 32), (x.Precision, x.BatchSize)));

        var json = Json(r);
        Assert.Equal("rocm", json.GetProperty("engine").GetProperty("device").GetString());
        Assert.Equal(32, json.GetProperty("models")[4].GetProperty("batch_size").GetInt32());
    }

    [Fact]
    public void Nvidia_only_machine_uses_cuda_when_onnx_runtime_has_it_and_flags_a_stray_override()
    {
        using var m = DoctorScenarios.Rtx4090WithCuda();
        var r = m.Advise();

        var gpu = Assert.Single(r.Machine.NvidiaGpus);
        Assert.Equal("NVIDIA GeForce RTX 4090", gpu.Name);
        Assert.Equal(24564L << 20, gpu.MemoryTotalBytes);
        Assert.Equal("550.54.14", r.Machine.NvidiaDriverVersion);
        Assert.Empty(r.Machine.AmdGpus);
        Assert.Equal(EngineKind.Onnx, r.Engine.Engine);
        Assert.Equal(DeviceKind.Cuda, r.Engine.Device.Kind);
        Line(r, "override.no-amd-gpu");

        var json = Json(r);
        Assert.Equal("0000:01:00.0", json.GetProperty("nvidia_gpus")[0].GetProperty("bus_id").GetString());
        Assert.Equal("550.54.14", json.GetProperty("nvidia_driver").GetString());
        Assert.Equal("cuda", json.GetProperty("engine").GetProperty("device").GetString());
    }

    [Fact]
    public void Nvidia_without_a_cuda_provider_is_warned_and_falls_back_to_vulkan()
    {
        using var m = DoctorScenarios.Rtx3060WithoutCuda();
        var r = m.Advise();
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", Line(r, "onnx.no-cuda").Message);
        Assert.Equal(EngineKind.Managed, r.Engine.Engine);
        Json(r);
    }

    [Fact]
    public void Cpu_only_machine_without_vnni_runs_managed_float32()
    {
        using var m = DoctorScenarios.CpuOnly();
        var r = m.Advise();
        Assert.Equal(EngineKind.Managed, r.Engine.Engine);
        Assert.Equal(EngineDevice.Cpu, r.Engine.Device);
        Assert.Equal(4, r.Engine.Threads);
        Assert.Equal((long)((6L << 30) * DoctorAdvisor.HostHeadroom), r.Engine.AvailableBytes);
        Assert.All(r.Models.Where(x => x.Model != "large-v3"), x => Assert.Equal(ComputePrecision.Float32, x.Precision));
        // 4.8 GiB cannot hold large-v3's 6.2 GB of float32 weights: the advice steps down to int8 and says why.
        var large = r.Models.Single(x => x.Model == "large-v3");
        Assert.Equal(ComputePrecision.Int8, large.Precision);
        Assert.StartsWith("float32 does not fit", large.Reason);
        Assert.Null(r.Machine.Rocm);
        var json = Json(r);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("rocm").ValueKind);
        Assert.Equal(4, json.GetProperty("cpu").GetProperty("logical_cores").GetInt32());
    }

    [Fact]
    public void This_machine_is_detected_and_advised_without_hanging()
    {
        Cli.Commands.DoctorCommand.Run(null);   // warm-up: JIT and ONNX Runtime's native load are one-off costs of the test host
        var clock = Stopwatch.StartNew();
        var report = Cli.Commands.DoctorCommand.Run(null);
        var json = Json(report);
        clock.Stop();
        // A guard against a probe that hangs (a GPU tool waiting on a driver), not a speed claim: the suite shares its
        // cores with parallel tests, so the bound is loose; doctor's speed is measured by `hark doctor` itself.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"doctor took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(report.Machine.Cpu.LogicalCores >= 1);
        Assert.Equal(6, json.GetProperty("models").GetArrayLength());
        // This CI machine has no GPU: the managed CPU engine is the answer.
        if (report.Machine.AmdGpus.Count == 0 && report.Machine.NvidiaGpus.Count == 0)
            Assert.Equal(EngineKind.Managed, report.Engine.Engine);
    }

    [Fact]
    public void An_apu_beside_a_discrete_gpu_is_hidden_with_rocr_visible_devices()
    {
        using var m = DoctorScenarios.ApuBesideDiscreteGpu();
        var r = m.Advise();
        Assert.Equal("export ROCR_VISIBLE_DEVICES=1 (the discrete GPU only)", Line(r, "devices.hide-igpu").Message);
        Assert.Contains("gfx1100", r.Engine.DeviceName);
        Line(r, "override.needed"); // the gfx1103 APU
        Json(r);
    }

    [Fact]
    public void Without_rocm_the_override_is_only_a_note_and_vulkan_drives_the_gpu()
    {
        using var m = DoctorScenarios.AmdWithoutRocm();
        var r = m.Advise();
        var line = Line(r, "override.needed");
        Assert.Equal(AdviceSeverity.Info, line.Severity);
        Assert.StartsWith("if you install ROCm", line.Message);
        Assert.Equal(AdviceSeverity.Info, Line(r, "rocm.missing").Severity);
        Assert.Equal(EngineKind.Managed, r.Engine.Engine);
        Json(r);
    }
}

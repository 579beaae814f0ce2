using System.Globalization;
using System.Text.Json;
using Hark.Serialization;

namespace Hark.Hardware;

/// <summary>
/// Writes a <see cref="DoctorReport"/> as JSON in the shape <c>docs/doctor-schema.json</c> documents
/// (snake_case keys, bytes as integers, unknown values as null), for scripts and support tickets.
/// </summary>
public static class DoctorJson
{
    /// <summary>Version of the JSON shape; bumped on incompatible changes.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The report as indented JSON.</summary>
    public static string Serialize(DoctorReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonReport.Serialize(w => Write(w, report));
    }

    private static void Write(Utf8JsonWriter w, DoctorReport r)
    {
        var m = r.Machine;
        w.WriteStartObject();
        w.WriteNumber("schema_version", SchemaVersion);
        w.WriteString("platform", m.Platform);

        w.WriteStartObject("cpu");
        w.WriteString("vendor", m.Cpu.Vendor);
        w.WriteString("model", m.Cpu.Model);
        w.WriteNumber("logical_cores", m.Cpu.LogicalCores);
        w.Number("physical_cores", m.Cpu.PhysicalCores);
        w.Strings("features", m.Cpu.FeatureNames);
        w.WriteEndObject();

        if (m.Memory is null) w.WriteNull("memory");
        else
        {
            w.WriteStartObject("memory");
            w.WriteNumber("total_bytes", m.Memory.TotalBytes);
            w.WriteNumber("available_bytes", m.Memory.AvailableBytes);
            w.WriteEndObject();
        }

        w.WriteStartArray("amd_gpus");
        foreach (var g in m.AmdGpus)
        {
            w.WriteStartObject();
            w.WriteNumber("node", g.NodeId);
            w.WriteString("target", g.Target.Name);
            w.WriteString("name", g.Name);
            w.WriteNumber("compute_units", g.ComputeUnits);
            w.WriteNumber("simd_count", g.SimdCount);
            w.Number("vram_total_bytes", g.VramTotalBytes);
            w.Number("vram_used_bytes", g.VramUsedBytes);
            w.Text("pci_device_id", g.PciDeviceId is { } id ? "0x" + id.ToString("x4", CultureInfo.InvariantCulture) : null);
            w.Text("drm_card", g.DrmCard);
            w.WriteBoolean("apu", g.IsApu);
            var entry = RocmTargetTable.Find(g.Target);
            w.WriteStartObject("rocm_support");
            var ships = RocmTargetTable.ShipsKernels(g.Target, m.Rocm);
            if (ships is null) w.WriteNull("kernels_shipped"); else w.WriteBoolean("kernels_shipped", ships.Value);
            w.Text("official_since", entry?.OfficialSince?.ToString());
            w.Text("override", entry?.Override?.OverrideSpelling);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.Strings("amd_cards_without_compute", m.AmdCardsWithoutCompute);
        w.WriteBoolean("kfd_device", m.HasKfdDevice);

        if (m.Rocm is null) w.WriteNull("rocm");
        else
        {
            w.WriteStartObject("rocm");
            w.WriteString("path", m.Rocm.Path);
            w.Text("version", m.Rocm.VersionText);
            w.WriteBoolean("hip_runtime", m.Rocm.HasHipRuntime);
            w.WriteBoolean("migraphx", m.Rocm.HasMigraphx);
            w.Strings("rocblas_targets", m.Rocm.RocblasTargets);
            w.WriteEndObject();
        }

        w.WriteStartArray("nvidia_gpus");
        foreach (var g in m.NvidiaGpus)
        {
            w.WriteStartObject();
            w.WriteNumber("index", g.Index);
            w.WriteString("name", g.Name);
            w.Text("bus_id", g.BusId);
            w.Number("memory_total_bytes", g.MemoryTotalBytes);
            w.Number("memory_used_bytes", g.MemoryUsedBytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.Text("nvidia_driver", m.NvidiaDriverVersion);

        w.WriteStartArray("vulkan_drivers");
        foreach (var d in m.VulkanDrivers)
        {
            w.WriteStartObject();
            w.WriteString("manifest", d.ManifestPath);
            w.Text("library", d.LibraryPath);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("vulkan_devices");
        foreach (var d in m.VulkanDevices)
        {
            w.WriteStartObject();
            w.WriteNumber("index", d.Index);
            w.WriteString("name", d.Name);
            w.WriteString("vendor", d.Vendor);
            w.WriteString("type", d.Type);
            w.WriteString("api_version", d.ApiVersion);
            w.WriteString("driver", d.Driver);
            w.WriteNumber("device_local_bytes", d.DeviceLocalBytes);
            w.WriteNumber("subgroup_size", d.SubgroupSize);
            w.WriteBoolean("float16", d.Float16);
            w.WriteBoolean("int8", d.Int8);
            w.WriteBoolean("cooperative_matrix", d.CooperativeMatrix);
            w.WriteBoolean("usable", d.Usable);
            w.Text("problem", d.Problem);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        if (m.OnnxProviders is null) w.WriteNull("onnx_providers");
        else w.Strings("onnx_providers", m.OnnxProviders);

        w.WriteStartObject("environment");
        foreach (var (k, v) in m.Environment.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();

        var e = r.Engine;
        w.WriteStartObject("engine");
        w.WriteString("engine", Engines.EngineVocabulary.Name(e.Engine));
        w.WriteString("device", e.Device.ToString());
        w.WriteString("device_name", e.DeviceName);
        w.WriteNumber("available_bytes", e.AvailableBytes);
        w.WriteNumber("threads", e.Threads);
        w.WriteString("reason", e.Reason);
        w.WriteEndObject();

        w.WriteStartArray("models");
        foreach (var x in r.Models)
        {
            w.WriteStartObject();
            w.WriteString("model", x.Model);
            w.WriteString("compute_type", ComputeTypeName(x.Precision));
            w.WriteNumber("batch_size", x.BatchSize);
            w.WriteNumber("max_batch", x.MaxBatch);
            w.WriteNumber("weights_bytes", x.WeightBytes);
            w.WriteNumber("estimate_bytes", x.EstimateBytes);
            w.WriteBoolean("fits", x.Fits);
            w.WriteString("reason", x.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("advice");
        foreach (var a in r.Advice)
        {
            w.WriteStartObject();
            w.WriteString("code", a.Code);
            w.WriteString("severity", a.Severity.ToString().ToLowerInvariant());
            w.WriteString("message", a.Message);
            w.WriteString("reason", a.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The CLI spelling of a compute type (<c>float16</c>, <c>int8</c>, …).</summary>
    public static string ComputeTypeName(Engines.ComputePrecision p) => Engines.EngineVocabulary.Name(p);
}

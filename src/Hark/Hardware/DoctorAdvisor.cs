using Hark.Checkpoints;
using Hark.Engines;

namespace Hark.Hardware;

/// <summary>
/// Turns a <see cref="MachineReport"/> into advice: which engine and device, which compute type and batch size per
/// model size (from <see cref="MemoryModel"/> against free memory), ROCm overrides, and what not to use and why.
/// </summary>
public static class DoctorAdvisor
{
    /// <summary>Model sizes the report covers, smallest first.</summary>
    public static IReadOnlyList<string> Models { get; } = ["tiny", "base", "small", "medium", "large-v3", "large-v3-turbo"];

    /// <summary>Fraction of free GPU memory the plan may use (allocator fragmentation, display).</summary>
    public const double GpuHeadroom = 0.9;

    /// <summary>Fraction of available host memory the plan may use (the rest of the system keeps running).</summary>
    public const double HostHeadroom = 0.8;

    /// <summary>Batch beyond which a GPU gains little throughput and only adds latency.</summary>
    public const int GpuBatchCap = 32;

    /// <summary>Batch beyond which the CPU engines gain little: their matrix products are already compute-bound.</summary>
    public const int CpuBatchCap = 8;

    /// <summary>Computes the full report for <paramref name="machine"/>.</summary>
    public static DoctorReport Advise(MachineReport machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var advice = new List<AdviceLine>();
        advice.AddRange(RocmAdvisor.Advise(machine));
        var engine = ChooseEngine(machine, advice);
        var models = Models.Select(name => Recommend(name, machine, engine)).ToList();
        advice.AddRange(CpuAdvice(machine, engine));
        var ordered = advice.OrderByDescending(a => a.Severity).ToList();
        return new DoctorReport(machine, engine, models, ordered);
    }

    private static bool IsSoftwareVulkan(VulkanDriver d) => Names(d, "lvp");

    /// <summary>
    /// Whether every Vulkan device runs on the CPU (lavapipe, SwiftShader), by the device type the driver reports;
    /// when the loader listed no device (fake machines, probing failed), by the manifests' names.
    /// </summary>
    private static bool OnlySoftwareVulkan(MachineReport m) => m.VulkanDevices.Count > 0
        ? m.VulkanDevices.All(d => d.IsCpu)
        : m.VulkanDrivers.Count > 0 && m.VulkanDrivers.All(IsSoftwareVulkan);

    /// <summary>Whether a Vulkan manifest or library mentions <paramref name="word"/> (radeon, amd, nvidia, lvp).</summary>
    private static bool Names(VulkanDriver d, string word) =>
        Path.GetFileName(d.ManifestPath).Contains(word, StringComparison.OrdinalIgnoreCase)
        || (d.LibraryPath is { } lib && Path.GetFileName(lib).Contains(word, StringComparison.OrdinalIgnoreCase));

    private static EngineRecommendation ChooseEngine(MachineReport m, List<AdviceLine> advice)
    {
        var hardwareVulkan = m.VulkanDrivers.Where(d => !IsSoftwareVulkan(d)).ToList();
        if (OnlySoftwareVulkan(m))
            advice.Add(new AdviceLine("vulkan.software-only", AdviceSeverity.Warning,
                "don't use the Vulkan engine here: the only Vulkan device runs on the CPU (lavapipe or similar)",
                "a CPU Vulkan driver is slower than Hark's CPU engine (--device cpu)"));

        var nvidia = m.NvidiaGpus.OrderByDescending(g => g.MemoryFreeBytes ?? 0).FirstOrDefault();
        if (nvidia is not null && m.Environment.GetValueOrDefault("CUDA_VISIBLE_DEVICES") is "" or "-1")
        {
            advice.Add(new AdviceLine("cuda.hidden", AdviceSeverity.Warning,
                "CUDA_VISIBLE_DEVICES hides every NVIDIA GPU: unset it to use them",
                $"CUDA_VISIBLE_DEVICES='{m.Environment["CUDA_VISIBLE_DEVICES"]}'"));
            nvidia = null;
        }
        if (nvidia is not null)
        {
            var free = (long)((nvidia.MemoryFreeBytes ?? 0) * GpuHeadroom);
            if (m.HasOnnxProvider("CUDAExecutionProvider"))
                return new EngineRecommendation(EngineKind.Onnx, new EngineDevice(DeviceKind.Cuda, nvidia.Index), nvidia.Name, free, 0,
                    "NVIDIA GPU and ONNX Runtime's CUDA execution provider are present");
            advice.Add(new AdviceLine("onnx.no-cuda", AdviceSeverity.Warning,
                "don't use the ONNX engine on CUDA: this ONNX Runtime has no CUDA provider (use the Microsoft.ML.OnnxRuntime.Gpu build)",
                m.OnnxProviders is null ? "the ONNX Runtime native library could not be loaded" : $"providers: {string.Join(", ", m.OnnxProviders)}"));
            if (hardwareVulkan.Any(d => Names(d, "nvidia")))
                return new EngineRecommendation(EngineKind.Managed, new EngineDevice(DeviceKind.Vulkan), nvidia.Name, free, 0,
                    "NVIDIA GPU with a Vulkan driver; ONNX Runtime here cannot use CUDA");
        }

        // Prefer the discrete AMD GPU with the most free memory.
        var amd = m.AmdGpus.OrderBy(g => g.IsApu).ThenByDescending(g => g.VramFreeBytes ?? 0).FirstOrDefault();
        if (amd is not null)
        {
            var free = (long)((amd.VramFreeBytes ?? 0) * GpuHeadroom);
            var index = m.AmdGpus.ToList().IndexOf(amd);
            var rocmUsable = m.Rocm is not null && m.HasKfdDevice;
            var rocmProvider = m.HasOnnxProvider("MIGraphXExecutionProvider") || m.HasOnnxProvider("ROCMExecutionProvider");
            if (rocmUsable && rocmProvider)
                return new EngineRecommendation(EngineKind.Onnx, new EngineDevice(DeviceKind.Rocm, index), $"{amd.Name} ({amd.Target})", free, 0,
                    "AMD GPU, ROCm and an ONNX Runtime ROCm/MIGraphX provider are present");
            if (!rocmProvider)
                advice.Add(new AdviceLine("onnx.no-rocm", AdviceSeverity.Warning,
                    "don't use the ONNX engine on the AMD GPU: this ONNX Runtime has no MIGraphX or ROCm provider",
                    m.OnnxProviders is null ? "the ONNX Runtime native library could not be loaded" : $"providers: {string.Join(", ", m.OnnxProviders)}"));
            // RADV (Mesa's radeon_icd) or AMDVLK (amd_icd).
            if (hardwareVulkan.Any(d => Names(d, "radeon") || Names(d, "amd")))
                return new EngineRecommendation(EngineKind.Managed, new EngineDevice(DeviceKind.Vulkan, index), $"{amd.Name} ({amd.Target})", free, 0,
                    "AMD GPU with a Vulkan driver; Hark's Vulkan engine needs neither ROCm nor an override");
            advice.Add(new AdviceLine("gpu.unused", AdviceSeverity.Warning,
                $"the {amd.Name} cannot be used: install Mesa's RADV Vulkan driver (mesa-vulkan-drivers)",
                "no Vulkan driver and no ONNX Runtime GPU provider were found"));
        }

        var threads = m.Cpu.PhysicalCores ?? m.Cpu.LogicalCores;
        var host = (long)((m.Memory?.AvailableBytes ?? 0) * HostHeadroom);
        return new EngineRecommendation(EngineKind.Managed, EngineDevice.Cpu, m.Cpu.Model, host, threads,
            nvidia is null && amd is null ? "no usable GPU was found" : "no GPU engine can run here (see warnings)");
    }

    private static ModelRecommendation Recommend(string name, MachineReport m, EngineRecommendation engine)
    {
        var config = WhisperPresets.Get(name);
        var device = engine.Device.Kind;
        var options = new MemoryModelOptions { Device = device, Engine = engine.Engine };
        var gpu = device != DeviceKind.Cpu;
        var preferred = gpu
            ? ComputePrecision.Float16
            : m.Cpu.HasInt8DotProduct ? ComputePrecision.Int8 : ComputePrecision.Float32;
        var ladder = gpu
            ? new[] { ComputePrecision.Float16, ComputePrecision.Int8, ComputePrecision.Int4 }
            : preferred == ComputePrecision.Int8 ? [ComputePrecision.Int8, ComputePrecision.Int4] : [ComputePrecision.Float32, ComputePrecision.Int8, ComputePrecision.Int4];
        var why = gpu
            ? "float16 is the GPU's native fast path"
            : preferred == ComputePrecision.Int8
                ? "int8 is smallest and fastest here: int8 weights are a quarter of float32's bytes (decoding is memory-bound) and this CPU's VNNI multiplies bytes at up to 4× the float32 rate (encoding is compute-bound)"
                : "without int8 dot-product instructions float32 is the CPU's fast path";
        var available = engine.AvailableBytes;
        foreach (var precision in ladder)
        {
            var max = MemoryModel.MaxBatch(config, precision, available, 1, options);
            if (max == 0) continue;
            var cap = gpu ? GpuBatchCap : CpuBatchCap;
            var batch = FloorPowerOfTwo(Math.Min(max, cap));
            var estimate = MemoryModel.Estimate(config, precision, batch, 1, options);
            var reason = precision == preferred
                ? $"{why}; batch {batch}: up to {max} fit in {MemoryModel.FormatBytes(available)}" + (max > cap ? $", capped at {cap}" : "")
                : $"{EngineVocabulary.Name(preferred)} does not fit in {MemoryModel.FormatBytes(available)}; {EngineVocabulary.Name(precision)} fits batch {max}";
            return new ModelRecommendation(name, precision, batch, max, estimate.WeightBytes, estimate.TotalBytes, reason);
        }
        var one = MemoryModel.Estimate(config, ladder[^1], 1, 1, options);
        return new ModelRecommendation(name, ladder[^1], 0, 0, one.WeightBytes, one.TotalBytes,
            $"does not fit: batch 1 at {EngineVocabulary.Name(ladder[^1])} needs {MemoryModel.FormatBytes(one.TotalBytes)}, {MemoryModel.FormatBytes(available)} available");
    }

    private static IEnumerable<AdviceLine> CpuAdvice(MachineReport m, EngineRecommendation engine)
    {
        var f = m.Cpu.Features;
        var x86 = m.Cpu.Vendor is "GenuineIntel" or "AuthenticAMD";
        if (x86 && (f & CpuFeatures.Avx2) == 0)
            yield return new AdviceLine("cpu.no-avx2", AdviceSeverity.Warning,
                "expect slow CPU inference: this CPU lacks AVX2",
                "Hark's CPU kernels vectorize with AVX2/AVX-512 and fall back to 128-bit SIMD without it");
        if ((f & CpuFeatures.Avx512Fp16) == 0 && engine.Device.Kind == DeviceKind.Cpu)
            yield return new AdviceLine("cpu.no-fp16", AdviceSeverity.Info,
                "don't compute in float16 on the CPU; it saves memory but not time",
                "the CPU has no float16 arithmetic (AVX512-FP16), so every float16 weight is widened to float32 when used");
        if (m.Cpu.HasInt8DotProduct)
            yield return new AdviceLine("cpu.int8", AdviceSeverity.Info,
                "int8 is the fastest CPU compute type here",
                $"int8 dot-product instructions present: {string.Join(", ", m.Cpu.FeatureNames.Where(n => n.Contains("vnni", StringComparison.Ordinal) || n.Contains("amx", StringComparison.Ordinal) || n == "asimddp"))}");
        if (engine.Device.Kind == DeviceKind.Cpu && m.Environment.TryGetValue("OMP_NUM_THREADS", out var omp))
            yield return new AdviceLine("cpu.omp-threads", AdviceSeverity.Info,
                $"OMP_NUM_THREADS={omp} limits ONNX Runtime's threads; Hark's managed engine takes its own thread count ({engine.Threads} recommended)",
                "the managed engine does not read OpenMP variables");
    }

    private static int FloorPowerOfTwo(int n) => n < 1 ? 0 : 1 << (31 - int.LeadingZeroCount(n));
}

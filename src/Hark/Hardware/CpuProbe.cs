using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace Hark.Hardware;

/// <summary>Reads the CPU and host memory from <c>/proc/cpuinfo</c> and <c>/proc/meminfo</c>.</summary>
internal static class CpuProbe
{
    /// <summary><c>/proc/cpuinfo</c> flag spellings and the feature each denotes.</summary>
    public static IReadOnlyList<KeyValuePair<string, CpuFeatures>> FlagNames { get; } =
    [
        new("avx2", CpuFeatures.Avx2),
        new("fma", CpuFeatures.Fma),
        new("f16c", CpuFeatures.F16c),
        new("avx512f", CpuFeatures.Avx512F),
        new("avx512bw", CpuFeatures.Avx512BW),
        new("avx512_vnni", CpuFeatures.Avx512Vnni),
        new("avx_vnni", CpuFeatures.AvxVnni),
        new("avx512_bf16", CpuFeatures.Avx512Bf16),
        new("avx512_fp16", CpuFeatures.Avx512Fp16),
        new("amx_int8", CpuFeatures.AmxInt8),
        new("amx_bf16", CpuFeatures.AmxBf16),
        new("asimd", CpuFeatures.Neon),
        new("asimddp", CpuFeatures.ArmDotProd),
    ];

    public static CpuInfo ReadCpu(IFileSystemView fs)
    {
        var text = fs.ReadText("/proc/cpuinfo");
        if (text is null) return FromRuntime(fs.IsHostRoot);

        string? vendor = null, model = null;
        var flags = CpuFeatures.None;
        var logical = 0;
        var cores = new HashSet<(string Package, string Core)>();
        string package = "0";
        foreach (var raw in text.Split('\n'))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) continue;
            var key = raw[..colon].Trim();
            var value = raw[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor": logical++; break;
                case "vendor_id": vendor ??= value; break;
                case "model name": model ??= value; break;
                case "Hardware" or "CPU implementer": vendor ??= value; break;
                case "physical id": package = value; break;
                case "core id": cores.Add((package, value)); break;
                case "flags" or "Features":
                    foreach (var flag in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        foreach (var (name, feature) in FlagNames)
                            if (flag == name) flags |= feature;
                    break;
            }
        }
        if (logical == 0) logical = fs.IsHostRoot ? Environment.ProcessorCount : 1;
        return new CpuInfo(vendor ?? "unknown", model ?? "unknown", logical, cores.Count > 0 ? cores.Count : null, flags);
    }

    /// <summary>Where <c>/proc/cpuinfo</c> does not exist (Windows, macOS): what the .NET runtime knows.</summary>
    private static CpuInfo FromRuntime(bool host)
    {
        if (!host) return new CpuInfo("unknown", "unknown", 1, null, CpuFeatures.None);
        var flags = CpuFeatures.None;
        if (Avx2.IsSupported) flags |= CpuFeatures.Avx2;
        if (Fma.IsSupported) flags |= CpuFeatures.Fma;
        if (Avx512F.IsSupported) flags |= CpuFeatures.Avx512F;
        if (Avx512BW.IsSupported) flags |= CpuFeatures.Avx512BW;
        if (AvxVnni.IsSupported) flags |= CpuFeatures.AvxVnni;
        if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) flags |= CpuFeatures.Neon;
        if (System.Runtime.Intrinsics.Arm.Dp.IsSupported) flags |= CpuFeatures.ArmDotProd;
        return new CpuInfo("unknown", "unknown", Environment.ProcessorCount, null, flags);
    }

    public static HostMemory? ReadMemory(IFileSystemView fs)
    {
        var text = fs.ReadText("/proc/meminfo");
        if (text is null)
        {
            if (!fs.IsHostRoot) return null;
            var info = GC.GetGCMemoryInfo();
            return info.TotalAvailableMemoryBytes > 0 ? new HostMemory(info.TotalAvailableMemoryBytes, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes) : null;
        }
        long? total = null, available = null, free = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = Kb(line);
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) available = Kb(line);
            else if (line.StartsWith("MemFree:", StringComparison.Ordinal)) free = Kb(line);
        }
        return total is null ? null : new HostMemory(total.Value, available ?? free ?? total.Value);
    }

    private static long? Kb(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }
}

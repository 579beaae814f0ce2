using Hark.Checkpoints;
using Hark.Engines;
using Hark.Hardware;

namespace Hark.Benchmarking;

/// <summary>The configurations to run and those skipped, with reasons.</summary>
/// <param name="Runnable">Configurations to measure, in matrix order (engine, precision, batch).</param>
/// <param name="Skipped">Configurations left out.</param>
public sealed record BenchPlan(IReadOnlyList<BenchConfiguration> Runnable, IReadOnlyList<SkippedConfiguration> Skipped);

/// <summary>
/// Expands engines × precisions × batch sizes and keeps what this machine can run: the engine must be present,
/// it must implement the precision, and the <see cref="MemoryModel"/> estimate must fit in the memory available.
/// </summary>
public static class BenchMatrix
{
    /// <summary>Why <paramref name="engine"/> cannot hold weights at <paramref name="precision"/>; null when it can.</summary>
    public static string? UnsupportedPrecision(EngineKind engine, ComputePrecision precision) => UnsupportedPrecision(engine, EngineDevice.Cpu, precision);

    private static string? UnsupportedPrecision(EngineKind engine, EngineDevice device, ComputePrecision precision) =>
        EngineRegistry.Default.Find(engine, device.Kind) is { } backend
            ? backend.UnsupportedPrecision(precision)
            : $"no {EngineVocabulary.Name(engine)} backend runs on {device} in this build";

    /// <summary>Builds the plan.</summary>
    /// <param name="model">The model's architecture.</param>
    /// <param name="options">Engines, precisions, batch sizes and beam size.</param>
    /// <param name="engineUnavailable">Why an engine family is missing on this machine; null when present.</param>
    /// <param name="availableBytes">Memory a configuration may use.</param>
    public static BenchPlan Plan(WhisperConfig model, BenchOptions options, Func<EngineKind, string?> engineUnavailable, long availableBytes)
    {
        var runnable = new List<BenchConfiguration>();
        var skipped = new List<SkippedConfiguration>();
        foreach (var engine in options.Engines.Distinct())
        {
            var missing = engineUnavailable(engine);
            IReadOnlyList<EngineDevice> devices = engine == EngineKind.Managed ? options.ManagedDevices.Distinct().ToList() : [EngineDevice.Cpu];
            foreach (var device in devices)
            {
                foreach (var precision in options.Precisions.Distinct())
                {
                    var unsupported = UnsupportedPrecision(engine, device, precision);
                    foreach (var batch in options.BatchSizes.Distinct().Order())
                    {
                        var configuration = new BenchConfiguration(engine, precision, batch, device);
                        var reason = missing ?? unsupported ?? DoesNotFit(model, precision, batch, options.BeamSize, availableBytes);
                        if (reason is null) runnable.Add(configuration);
                        else skipped.Add(new SkippedConfiguration(configuration, reason));
                    }
                }
            }
        }
        return new BenchPlan(runnable, skipped);
    }

    private static string? DoesNotFit(WhisperConfig model, ComputePrecision precision, int batch, int beamSize, long availableBytes)
    {
        var needed = MemoryModel.Estimate(model, precision, batch, beamSize).TotalBytes;
        return needed <= availableBytes
            ? null
            : $"needs about {MemoryModel.FormatBytes(needed)} (memory model), {MemoryModel.FormatBytes(availableBytes)} available";
    }

    /// <summary>Memory available now: <c>MemAvailable</c> on Linux, else what the GC reports.</summary>
    public static long AvailableMemoryBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var parts = line["MemAvailable:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }
}

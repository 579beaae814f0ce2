using System.Globalization;
using Hark.Hardware;
using Hark.Engines;

namespace Hark.Benchmarking;

/// <summary>Picks the configuration for each goal from measured medians.</summary>
public static class BenchRecommender
{
    /// <summary>Goal name: smallest median latency per file.</summary>
    public const string LowestLatency = "lowest latency";

    /// <summary>Goal name: most audio seconds per wall second.</summary>
    public const string HighestThroughput = "highest throughput";

    /// <summary>Goal name: smallest peak resident memory.</summary>
    public const string LeastMemory = "least memory";

    /// <summary>
    /// One recommendation per goal; ties go to the configuration listed first. Empty when nothing was measured.
    /// </summary>
    public static IReadOnlyList<BenchRecommendation> Recommend(IReadOnlyList<BenchResult> results)
    {
        if (results.Count == 0) return [];
        var latency = results.MinBy(r => r.LatencySeconds.Median)!;
        var throughput = results.MaxBy(r => r.AudioSecondsPerSecond.Median)!;
        // Least memory, and among equals (within 1 MiB) the faster one.
        var leastBytes = results.Min(r => r.PeakRssBytes);
        var memory = results.Where(r => r.PeakRssBytes - leastBytes < 1 << 20).MaxBy(r => r.AudioSecondsPerSecond.Median)!;
        return
        [
            new(LowestLatency, latency.Configuration.Name,
                string.Create(CultureInfo.InvariantCulture, $"median {latency.LatencySeconds.Median:F2} s per file (RTF {latency.RealTimeFactor.Median:F3})"), latency.Command),
            new(HighestThroughput, throughput.Configuration.Name,
                string.Create(CultureInfo.InvariantCulture, $"median {throughput.AudioSecondsPerSecond.Median:F1} audio s per s"), throughput.Command),
            new(LeastMemory, memory.Configuration.Name, $"peak RSS {MemoryModel.FormatBytes(memory.PeakRssBytes)}", memory.Command),
        ];
    }

    /// <summary>The <c>hark transcribe</c> command line for a configuration.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="modelPath">Folder the engine loads.</param>
    /// <param name="beamSize">Beam size measured.</param>
    /// <param name="threads">Threads measured (0 = engine default, not written).</param>
    /// <param name="vadFilter">Whether the bench ran with the VAD filter.</param>
    public static string CommandLine(BenchConfiguration configuration, string modelPath, int beamSize, int threads, bool vadFilter = false)
    {
        var command = $"hark transcribe AUDIO --model {Quote(modelPath)} --engine {BenchConfiguration.EngineName(configuration.Engine)}";
        // An ONNX folder computes in the precision it was exported with; the managed engine is told.
        if (configuration.Engine != EngineKind.Onnx) command += $" --compute-type {BenchPrecisions.ToName(configuration.Precision)}";
        if (configuration.Device.Kind != Engines.DeviceKind.Cpu) command += $" --device {configuration.Device}";
        // The bench decodes each window once (no temperature fallback), so the command does too.
        command += $" --beam-size {beamSize} --temperature-increment-on-fallback 0";
        if (threads > 0) command += $" --threads {threads}";
        if (vadFilter) command += " --vad-filter";
        if (configuration.BatchSize > 1) command += $" --batch-size {configuration.BatchSize}";
        return command;
    }

    private static string Quote(string path) =>
        path.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '$') ? "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'" : path;
}

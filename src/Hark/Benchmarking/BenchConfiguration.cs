using Hark.Engines;
using Hark.Transcription;

namespace Hark.Benchmarking;

/// <summary>One cell of the bench matrix: an engine on a device, a weight precision and a batch size.</summary>
/// <param name="Engine">Engine family.</param>
/// <param name="Precision">Weight precision.</param>
/// <param name="BatchSize">Transcriptions decoded concurrently (see <see cref="BenchRunner.BatchMeaning"/>).</param>
/// <param name="Device">Where the engine runs (the managed engine on <c>vulkan:N</c>, or the CPU).</param>
public sealed record BenchConfiguration(EngineKind Engine, ComputePrecision Precision, int BatchSize, EngineDevice Device = default)
{
    /// <summary>Short label, e.g. <c>onnx int8 b4</c> or <c>vulkan fp32 b1</c>.</summary>
    public string Name => $"{Label} {BenchPrecisions.ToName(Precision)} b{BatchSize}";

    /// <summary>Engine and device as one word: <c>managed</c>, <c>onnx</c>, <c>vulkan</c>, <c>vulkan:1</c>.</summary>
    public string Label => Device.Kind == DeviceKind.Vulkan ? Device.ToString() : EngineName(Engine);

    /// <summary>CLI spelling of an engine family.</summary>
    public static string EngineName(EngineKind engine) => engine.ToString().ToLowerInvariant();

    /// <summary>Parses an engine name (<c>managed</c>, <c>onnx</c>).</summary>
    /// <exception cref="HarkInputException">Unknown name.</exception>
    public static EngineKind ParseEngine(string name) => ParseTarget(name).Engine;

    /// <summary>
    /// Parses an engine as the bench's <c>--engines</c> spells it: <c>managed</c> and <c>onnx</c> on the CPU, or
    /// <c>vulkan[:N]</c> for the managed engine on a Vulkan device.
    /// </summary>
    /// <exception cref="HarkInputException">Unknown name.</exception>
    public static (EngineKind Engine, EngineDevice Device) ParseTarget(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n == "managed") return (EngineKind.Managed, EngineDevice.Cpu);
        if (n == "onnx") return (EngineKind.Onnx, EngineDevice.Cpu);
        if (n == "vulkan" || n.StartsWith("vulkan:", StringComparison.Ordinal))
        {
            var index = n.Length > 6 && int.TryParse(n[7..], System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0 ? i
                : n == "vulkan" ? 0 : throw new HarkInputException($"bad device index in '{name}'; expected vulkan or vulkan:N", field: "--engines");
            return (EngineKind.Managed, new EngineDevice(DeviceKind.Vulkan, index));
        }
        throw new HarkInputException($"unknown engine '{name}'; expected managed, onnx or vulkan[:N]", field: "--engines");
    }
}

/// <summary>A configuration that was not run, and why.</summary>
/// <param name="Configuration">The cell of the matrix.</param>
/// <param name="Reason">Why it was skipped (engine missing, precision unsupported, does not fit in memory, …).</param>
public sealed record SkippedConfiguration(BenchConfiguration Configuration, string Reason);

/// <summary>CLI spellings of the precisions the bench accepts.</summary>
public static class BenchPrecisions
{
    /// <summary>Accepted spellings.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fp32", "fp16", "bf16", "int8", "int4"];

    /// <summary>The CLI spelling of <paramref name="precision"/>.</summary>
    public static string ToName(ComputePrecision precision) => precision switch
    {
        ComputePrecision.Float16 => "fp16",
        ComputePrecision.BFloat16 => "bf16",
        ComputePrecision.Int8 => "int8",
        ComputePrecision.Int4 => "int4",
        _ => "fp32",
    };

    /// <summary>Parses a spelling.</summary>
    /// <exception cref="HarkInputException">Unknown spelling; the message lists the accepted ones.</exception>
    public static ComputePrecision Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => ComputePrecision.Float32,
        "fp16" or "float16" => ComputePrecision.Float16,
        "bf16" or "bfloat16" => ComputePrecision.BFloat16,
        "int8" => ComputePrecision.Int8,
        "int4" => ComputePrecision.Int4,
        _ => throw new HarkInputException($"unknown precision '{name}'; expected one of {string.Join(", ", Names)}", field: "--precisions"),
    };
}

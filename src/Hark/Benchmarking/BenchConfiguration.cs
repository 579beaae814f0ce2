using Hark.Engines;
using Hark.Transcription;

namespace Hark.Benchmarking;

/// <summary>One cell of the bench matrix: an engine, a weight precision and a batch size.</summary>
/// <param name="Engine">Engine family.</param>
/// <param name="Precision">Weight precision.</param>
/// <param name="BatchSize">Transcriptions decoded concurrently (see <see cref="BenchRunner.BatchMeaning"/>).</param>
public sealed record BenchConfiguration(EngineKind Engine, ComputePrecision Precision, int BatchSize)
{
    /// <summary>Short label, e.g. <c>onnx int8 b4</c>.</summary>
    public string Name => $"{EngineName(Engine)} {BenchPrecisions.ToName(Precision)} b{BatchSize}";

    /// <summary>CLI spelling of an engine family.</summary>
    public static string EngineName(EngineKind engine) => engine.ToString().ToLowerInvariant();

    /// <summary>Parses an engine name (<c>managed</c>, <c>onnx</c>).</summary>
    /// <exception cref="HarkInputException">Unknown name.</exception>
    public static EngineKind ParseEngine(string name) => name.Trim().ToLowerInvariant() switch
    {
        "managed" => EngineKind.Managed,
        "onnx" => EngineKind.Onnx,
        _ => throw new HarkInputException($"unknown engine '{name}'; expected managed or onnx", field: "--engines"),
    };
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

namespace Hark.Formats.Onnx;

/// <summary>How an ONNX export stores weights and computes.</summary>
public enum OnnxPrecision
{
    /// <summary>float32 weights and arithmetic.</summary>
    Float32,
    /// <summary>float16 weights and arithmetic; float32 graph inputs and outputs (logits, encoder states), float16 caches.</summary>
    Float16,
    /// <summary>Dynamic quantization of linear layers: activations quantized per call (DynamicQuantizeLinear),
    /// int8 weights with per-column scales, MatMulInteger.</summary>
    Int8,
    /// <summary>Weight-only int8 through <c>com.microsoft</c> MatMulNBits (blocks of 32, float32 arithmetic).</summary>
    Int8WeightOnly,
    /// <summary>Weight-only int4 through <c>com.microsoft</c> MatMulNBits (blocks of 32, float32 arithmetic).</summary>
    Int4,
}

/// <summary>CLI spellings of <see cref="OnnxPrecision"/>.</summary>
public static class OnnxPrecisionNames
{
    /// <summary>Spellings, the default first.</summary>
    public static IReadOnlyList<string> All { get; } = ["fp32", "fp16", "int8", "int4", "int8-weight-only"];

    /// <summary>The CLI spelling.</summary>
    public static string ToName(this OnnxPrecision precision) => precision switch
    {
        OnnxPrecision.Float32 => "fp32",
        OnnxPrecision.Float16 => "fp16",
        OnnxPrecision.Int8 => "int8",
        OnnxPrecision.Int8WeightOnly => "int8-weight-only",
        OnnxPrecision.Int4 => "int4",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>Parses a CLI spelling (null means fp32).</summary>
    /// <exception cref="HarkInputException">Unknown spelling; the message lists the known ones.</exception>
    public static OnnxPrecision Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "fp32" or "float32" => OnnxPrecision.Float32,
        "fp16" or "float16" => OnnxPrecision.Float16,
        "int8" => OnnxPrecision.Int8,
        "int8-weight-only" => OnnxPrecision.Int8WeightOnly,
        "int4" => OnnxPrecision.Int4,
        _ => throw new HarkInputException($"unknown ONNX precision '{name}'; expected one of {string.Join(", ", All)}", field: "--precision"),
    };
}

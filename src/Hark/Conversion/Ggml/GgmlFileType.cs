namespace Hark.Conversion.Ggml;

/// <summary>What a whisper.cpp model file is "mostly" made of (<c>--type</c>), with the header value whisper.cpp reads.</summary>
public enum GgmlFileType
{
    /// <summary>2-D weights and convs as float16, the rest float32 (the reference converter's default).</summary>
    F16,
    /// <summary>Everything float32.</summary>
    F32,
    /// <summary>2-D weights in q8_0 blocks.</summary>
    Q8_0,
    /// <summary>2-D weights in q5_0 blocks.</summary>
    Q5_0,
    /// <summary>2-D weights in q5_1 blocks.</summary>
    Q5_1,
    /// <summary>2-D weights in q4_0 blocks.</summary>
    Q4_0,
}

/// <summary>Parsing and header values of <see cref="GgmlFileType"/>.</summary>
public static class GgmlFileTypes
{
    /// <summary>ggml's quantization format version, stored as <c>ftype + 1000 · version</c> in quantized files.</summary>
    public const int QuantizationVersion = 2;
    /// <summary>Multiplier of <see cref="QuantizationVersion"/> in the header.</summary>
    public const int QuantizationVersionFactor = 1000;

    /// <summary>CLI spellings, the default (f16) first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["f16", "f32", "q8_0", "q5_0", "q5_1", "q4_0"];

    /// <summary>Parses a CLI spelling.</summary>
    /// <exception cref="HarkInputException">Unknown spelling; the message lists the accepted ones.</exception>
    public static GgmlFileType Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "f16" => GgmlFileType.F16,
        "f32" => GgmlFileType.F32,
        "q8_0" => GgmlFileType.Q8_0,
        "q5_0" => GgmlFileType.Q5_0,
        "q5_1" => GgmlFileType.Q5_1,
        "q4_0" => GgmlFileType.Q4_0,
        _ => throw new HarkInputException($"type '{name}' is not supported by the ggml target; expected one of {string.Join(", ", Names)}",
            field: "--quantization"),
    };

    /// <summary>Type of the 2-D weight matrices (linear layers and the token embedding).</summary>
    public static GgmlType MatrixType(this GgmlFileType f) => f switch
    {
        GgmlFileType.F32 => GgmlType.F32,
        GgmlFileType.F16 => GgmlType.F16,
        GgmlFileType.Q8_0 => GgmlType.Q8_0,
        GgmlFileType.Q5_0 => GgmlType.Q5_0,
        GgmlFileType.Q5_1 => GgmlType.Q5_1,
        _ => GgmlType.Q4_0,
    };

    /// <summary>Type of the conv kernels (whisper.cpp keeps them float16 unless the file is all float32).</summary>
    public static GgmlType ConvType(this GgmlFileType f) => f == GgmlFileType.F32 ? GgmlType.F32 : GgmlType.F16;

    /// <summary>True for block-quantized files.</summary>
    public static bool IsQuantized(this GgmlFileType f) => f is not (GgmlFileType.F32 or GgmlFileType.F16);

    /// <summary>The header's <c>ftype</c>: ggml's <c>GGML_FTYPE_*</c>, plus the quantization version for quantized files.</summary>
    public static int HeaderValue(this GgmlFileType f) => f switch
    {
        GgmlFileType.F32 => 0,
        GgmlFileType.F16 => 1,
        GgmlFileType.Q4_0 => 2 + QuantizationVersion * QuantizationVersionFactor,
        GgmlFileType.Q8_0 => 7 + QuantizationVersion * QuantizationVersionFactor,
        GgmlFileType.Q5_0 => 8 + QuantizationVersion * QuantizationVersionFactor,
        _ => 9 + QuantizationVersion * QuantizationVersionFactor,
    };

    /// <summary>The matrix type a header <c>ftype</c> stands for, or null when unknown.</summary>
    public static GgmlType? MatrixTypeOfHeader(int ftype) => (ftype % QuantizationVersionFactor) switch
    {
        0 => GgmlType.F32,
        1 => GgmlType.F16,
        2 => GgmlType.Q4_0,
        7 => GgmlType.Q8_0,
        8 => GgmlType.Q5_0,
        9 => GgmlType.Q5_1,
        _ => null,
    };
}

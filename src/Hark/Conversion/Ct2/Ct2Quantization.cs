using Hark.Checkpoints;

namespace Hark.Conversion.Ct2;

/// <summary>CTranslate2's weight quantization schemes (<c>--quantization</c> of <c>ct2-transformers-converter</c>).</summary>
public enum Ct2Quantization
{
    /// <summary>Every float as float16.</summary>
    Float16,
    /// <summary>Every float as float32.</summary>
    Float32,
    /// <summary>Every float as bfloat16.</summary>
    BFloat16,
    /// <summary>Weights int8 with per-row scales; other floats keep the dtype the model loads in (config.json's torch_dtype).</summary>
    Int8,
    /// <summary>Weights int8, other floats float32.</summary>
    Int8Float32,
    /// <summary>Weights int8, other floats float16.</summary>
    Int8Float16,
    /// <summary>Weights int8, other floats bfloat16.</summary>
    Int8BFloat16,
    /// <summary>Weights int16 with one scale per tensor, other floats float32.</summary>
    Int16,
}

/// <summary>Parsing and the dtype rules of <see cref="Ct2Quantization"/>.</summary>
public static class Ct2Quantizations
{
    private static readonly (string Name, Ct2Quantization Value)[] Table =
    [
        ("float16", Ct2Quantization.Float16),
        ("float32", Ct2Quantization.Float32),
        ("bfloat16", Ct2Quantization.BFloat16),
        ("int8", Ct2Quantization.Int8),
        ("int8_float32", Ct2Quantization.Int8Float32),
        ("int8_float16", Ct2Quantization.Int8Float16),
        ("int8_bfloat16", Ct2Quantization.Int8BFloat16),
        ("int16", Ct2Quantization.Int16),
    ];

    /// <summary>CLI spellings, the default (float16) first.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(t => t.Name)];

    /// <summary>Parses a CLI spelling.</summary>
    /// <exception cref="HarkInputException">Unknown spelling; the message lists the accepted ones.</exception>
    public static Ct2Quantization Parse(string? name)
    {
        if (name is null) return Ct2Quantization.Float16;
        foreach (var (n, v) in Table)
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) return v;
        throw new HarkInputException($"quantization '{name}' is not supported by the ct2 target; expected one of {string.Join(", ", Names)}",
            field: "--quantization");
    }

    /// <summary>CLI spelling.</summary>
    public static string ToName(this Ct2Quantization q) => Table.First(t => t.Value == q).Name;

    /// <summary>True when weights are stored as int8 with per-row scales.</summary>
    public static bool IsInt8(this Ct2Quantization q) =>
        q is Ct2Quantization.Int8 or Ct2Quantization.Int8Float32 or Ct2Quantization.Int8Float16 or Ct2Quantization.Int8BFloat16;

    /// <summary>True when the reference converter loads the checkpoint in float16 first (values round through float16).</summary>
    public static bool LoadsAsFloat16(this Ct2Quantization q) => q is Ct2Quantization.Float16 or Ct2Quantization.Int8Float16;

    /// <summary>Stored dtype of a quantizable weight.</summary>
    public static Ct2DType WeightType(this Ct2Quantization q) => q switch
    {
        Ct2Quantization.Float16 => Ct2DType.Float16,
        Ct2Quantization.BFloat16 => Ct2DType.BFloat16,
        Ct2Quantization.Float32 => Ct2DType.Float32,
        Ct2Quantization.Int16 => Ct2DType.Int16,
        _ => Ct2DType.Int8,
    };

    /// <summary>Stored dtype of every other float variable (biases, norms, positions), given the checkpoint's dtype.</summary>
    public static Ct2DType OtherFloatType(this Ct2Quantization q, DType source) => q switch
    {
        Ct2Quantization.Float16 or Ct2Quantization.Int8Float16 => Ct2DType.Float16,
        Ct2Quantization.BFloat16 or Ct2Quantization.Int8BFloat16 => Ct2DType.BFloat16,
        Ct2Quantization.Int8 => source switch
        {
            DType.F16 => Ct2DType.Float16,
            DType.BF16 => Ct2DType.BFloat16,
            _ => Ct2DType.Float32,
        },
        _ => Ct2DType.Float32,
    };
}

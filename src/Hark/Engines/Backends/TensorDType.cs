namespace Hark.Engines.Backends;

/// <summary>Element type of a tensor held by an <see cref="IOpBackend"/>.</summary>
public enum TensorDType
{
    /// <summary>float32 (every activation).</summary>
    Float32,
    /// <summary>IEEE float16 weights.</summary>
    Float16,
    /// <summary>bfloat16 weights.</summary>
    BFloat16,
    /// <summary>int8 weights with one float32 scale per output row.</summary>
    Int8,
}

/// <summary>Facts about <see cref="TensorDType"/>.</summary>
public static class TensorDTypeExtensions
{
    /// <summary>Bytes per stored element (scales of int8 weights not counted).</summary>
    public static int SizeInBytes(this TensorDType type) => type switch
    {
        TensorDType.Float32 => 4,
        TensorDType.Float16 or TensorDType.BFloat16 => 2,
        TensorDType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown tensor dtype"),
    };

    /// <summary>The weight storage that <paramref name="precision"/> asks for.</summary>
    /// <exception cref="HarkInputException">A precision this backend family does not implement (int4).</exception>
    public static TensorDType ForPrecision(ComputePrecision precision) => precision switch
    {
        ComputePrecision.Default or ComputePrecision.Float32 => TensorDType.Float32,
        ComputePrecision.Float16 => TensorDType.Float16,
        ComputePrecision.BFloat16 => TensorDType.BFloat16,
        ComputePrecision.Int8 => TensorDType.Int8,
        _ => throw new HarkInputException($"precision {precision} is not implemented by the op backends; expected fp32, fp16, bf16 or int8", field: "precision"),
    };
}

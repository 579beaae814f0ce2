using Hark.Checkpoints;

namespace Hark.Conversion.Ct2;

/// <summary>CTranslate2's variable element types, numbered as its <c>DataType</c> enum (the ids stored in <c>model.bin</c>).</summary>
public enum Ct2DType : byte
{
    /// <summary>float32.</summary>
    Float32 = 0,
    /// <summary>int8 (quantized weights, booleans, small scalars).</summary>
    Int8 = 1,
    /// <summary>int16 (quantized weights, head counts).</summary>
    Int16 = 2,
    /// <summary>int32.</summary>
    Int32 = 3,
    /// <summary>float16.</summary>
    Float16 = 4,
    /// <summary>bfloat16.</summary>
    BFloat16 = 5,
}

/// <summary>Facts about <see cref="Ct2DType"/>.</summary>
public static class Ct2DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int SizeInBytes(this Ct2DType type) => type switch
    {
        Ct2DType.Float32 or Ct2DType.Int32 => 4,
        Ct2DType.Int16 or Ct2DType.Float16 or Ct2DType.BFloat16 => 2,
        Ct2DType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown CTranslate2 dtype"),
    };

    /// <summary>CTranslate2's spelling (<c>float16</c>, <c>int8</c>, …).</summary>
    public static string ToCt2Name(this Ct2DType type) => type switch
    {
        Ct2DType.Float32 => "float32",
        Ct2DType.Int8 => "int8",
        Ct2DType.Int16 => "int16",
        Ct2DType.Int32 => "int32",
        Ct2DType.Float16 => "float16",
        Ct2DType.BFloat16 => "bfloat16",
        _ => type.ToString(),
    };

    /// <summary>The matching checkpoint dtype.</summary>
    public static DType ToDType(this Ct2DType type) => type switch
    {
        Ct2DType.Float32 => DType.F32,
        Ct2DType.Int8 => DType.I8,
        Ct2DType.Int16 => DType.I16,
        Ct2DType.Int32 => DType.I32,
        Ct2DType.Float16 => DType.F16,
        Ct2DType.BFloat16 => DType.BF16,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown CTranslate2 dtype"),
    };
}

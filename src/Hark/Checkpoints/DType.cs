namespace Hark.Checkpoints;

/// <summary>Element types of stored tensors (the safetensors vocabulary).</summary>
public enum DType
{
    /// <summary>IEEE 754 binary32.</summary>
    F32,
    /// <summary>IEEE 754 binary16.</summary>
    F16,
    /// <summary>bfloat16 (upper half of a binary32).</summary>
    BF16,
    /// <summary>IEEE 754 binary64.</summary>
    F64,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Boolean stored as one byte.</summary>
    Bool,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int SizeInBytes(this DType type) => type switch
    {
        DType.F32 or DType.I32 => 4,
        DType.F16 or DType.BF16 or DType.I16 => 2,
        DType.F64 or DType.I64 => 8,
        DType.I8 or DType.U8 or DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown dtype"),
    };

    /// <summary>The safetensors spelling ("F32", "BF16", …).</summary>
    public static string ToSafetensorsName(this DType type) => type.ToString().ToUpperInvariant();

    /// <summary>Parses the safetensors spelling; false for anything else.</summary>
    public static bool TryParseSafetensorsName(string name, out DType type)
    {
        switch (name)
        {
            case "F32": type = DType.F32; return true;
            case "F16": type = DType.F16; return true;
            case "BF16": type = DType.BF16; return true;
            case "F64": type = DType.F64; return true;
            case "I8": type = DType.I8; return true;
            case "U8": type = DType.U8; return true;
            case "I16": type = DType.I16; return true;
            case "I32": type = DType.I32; return true;
            case "I64": type = DType.I64; return true;
            case "BOOL": type = DType.Bool; return true;
            default: type = default; return false;
        }
    }
}

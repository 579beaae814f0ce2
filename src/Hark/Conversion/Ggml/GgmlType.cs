namespace Hark.Conversion.Ggml;

/// <summary>ggml tensor element types, numbered as ggml's <c>ggml_type</c> (the ids stored in a model file).</summary>
public enum GgmlType
{
    /// <summary>float32.</summary>
    F32 = 0,
    /// <summary>float16.</summary>
    F16 = 1,
    /// <summary>Blocks of 32: float16 scale, 32 4-bit values (offset 8).</summary>
    Q4_0 = 2,
    /// <summary>Blocks of 32: float16 scale, 32 5-bit values (offset 16).</summary>
    Q5_0 = 6,
    /// <summary>Blocks of 32: float16 scale and min, 32 5-bit values.</summary>
    Q5_1 = 7,
    /// <summary>Blocks of 32: float16 scale, 32 int8 values.</summary>
    Q8_0 = 8,
}

/// <summary>Block geometry of <see cref="GgmlType"/>.</summary>
public static class GgmlTypeExtensions
{
    /// <summary>Elements per block (1 for plain floats).</summary>
    public static int BlockElements(this GgmlType t) => t is GgmlType.F32 or GgmlType.F16 ? 1 : 32;

    /// <summary>Bytes per block.</summary>
    public static int BlockBytes(this GgmlType t) => t switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 => 2,
        GgmlType.Q4_0 => 2 + 16,
        GgmlType.Q5_0 => 2 + 4 + 16,
        GgmlType.Q5_1 => 2 + 2 + 4 + 16,
        GgmlType.Q8_0 => 2 + 32,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown ggml type"),
    };

    /// <summary>Bytes of <paramref name="elements"/> values (a whole number of blocks).</summary>
    public static long ByteCount(this GgmlType t, long elements)
    {
        if (elements % t.BlockElements() != 0)
            throw new ArgumentException($"{elements} elements are not a whole number of {t} blocks", nameof(elements));
        return elements / t.BlockElements() * t.BlockBytes();
    }

    /// <summary>ggml's name (<c>f16</c>, <c>q5_1</c>, …).</summary>
    public static string ToGgmlName(this GgmlType t) => t.ToString().ToLowerInvariant();
}

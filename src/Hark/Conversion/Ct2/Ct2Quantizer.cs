using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Hark.Checkpoints;

namespace Hark.Conversion.Ct2;

/// <summary>CTranslate2's weight quantization arithmetic (float32 throughout, round half to even, as NumPy's <c>rint</c>).</summary>
internal static class Ct2Quantizer
{
    /// <summary>
    /// Per-row int8: <c>scale = 127 / max|row|</c> (127 when the row is all zeros), <c>q = rint(x · scale)</c>.
    /// Dequantize with <c>x ≈ q / scale</c>. Rows are the first axis (a conv weight's <c>[out, in·k]</c>).
    /// </summary>
    public static void QuantizeInt8(ReadOnlySpan<float> values, int rows, Span<sbyte> quantized, Span<float> scales)
    {
        if (rows <= 0 || values.Length % rows != 0) throw new ArgumentException($"{values.Length} values do not split into {rows} rows", nameof(rows));
        var cols = values.Length / rows;
        for (var r = 0; r < rows; r++)
        {
            var row = values.Slice(r * cols, cols);
            var amax = TensorPrimitives.MaxMagnitude(row);
            amax = Math.Abs(amax);
            if (amax == 0f) amax = 127f;
            var scale = 127f / amax;
            scales[r] = scale;
            var q = quantized.Slice(r * cols, cols);
            for (var j = 0; j < cols; j++) q[j] = (sbyte)MathF.Round(row[j] * scale, MidpointRounding.ToEven);
        }
    }

    /// <summary>
    /// Whole-tensor int16: <c>scale = 1024 / max|x|</c> (10 bits, leaving headroom for accumulation), <c>q = clip(rint(x · scale))</c>.
    /// </summary>
    /// <returns>The scale.</returns>
    public static float QuantizeInt16(ReadOnlySpan<float> values, Span<short> quantized)
    {
        var amax = values.IsEmpty ? 0f : Math.Abs(TensorPrimitives.MaxMagnitude(values));
        var scale = 1024f / amax;
        for (var i = 0; i < values.Length; i++)
        {
            var r = MathF.Round(values[i] * scale, MidpointRounding.ToEven);
            quantized[i] = (short)Math.Clamp(r, short.MinValue, short.MaxValue);
        }
        return scale;
    }

    /// <summary>Encodes floats as a float dtype (float32, float16 or bfloat16, round to nearest even).</summary>
    public static void EncodeFloat(Ct2DType type, ReadOnlySpan<float> values, Span<byte> destination) =>
        DTypeConversion.FromFloat32(type.ToDType(), values, destination);

    /// <summary>Dequantizes an int8 weight stored with per-row scales.</summary>
    public static void DequantizeInt8(ReadOnlySpan<sbyte> quantized, ReadOnlySpan<float> scales, Span<float> destination)
    {
        var cols = quantized.Length / scales.Length;
        for (var r = 0; r < scales.Length; r++)
        {
            var inv = 1f / scales[r];
            for (var j = 0; j < cols; j++) destination[r * cols + j] = quantized[r * cols + j] * inv;
        }
    }

    /// <summary>Dequantizes an int16 weight stored with one scale.</summary>
    public static void DequantizeInt16(ReadOnlySpan<short> quantized, float scale, Span<float> destination)
    {
        for (var i = 0; i < quantized.Length; i++) destination[i] = quantized[i] / scale;
    }

    internal static Span<sbyte> AsSBytes(Span<byte> bytes) => MemoryMarshal.Cast<byte, sbyte>(bytes);
}

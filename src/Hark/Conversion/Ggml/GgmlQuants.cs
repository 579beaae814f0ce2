using System.Buffers.Binary;

namespace Hark.Conversion.Ggml;

/// <summary>
/// ggml's reference block quantization (<c>quantize_row_*_ref</c>) and dequantization (<c>dequantize_row_*</c>) for
/// q4_0, q5_0, q5_1 and q8_0, bit for bit: float32 arithmetic, the same rounding and truncation, the same layouts
/// (little-endian float16 scale first, then the 5th-bit word, then packed nibbles with element j in the low nibble
/// and element j+16 in the high nibble of byte j).
/// </summary>
internal static class GgmlQuants
{
    /// <summary>Elements per block.</summary>
    public const int BlockSize = 32;

    /// <summary>Quantizes <paramref name="x"/> (a whole number of blocks) into <paramref name="y"/>.</summary>
    public static void Quantize(GgmlType type, ReadOnlySpan<float> x, Span<byte> y)
    {
        var nb = x.Length / BlockSize;
        if (x.Length % BlockSize != 0) throw new ArgumentException($"{x.Length} values are not a whole number of blocks", nameof(x));
        var bb = type.BlockBytes();
        if (y.Length != nb * bb) throw new ArgumentException($"destination holds {y.Length} bytes, {nb} {type} blocks need {nb * bb}", nameof(y));
        for (var i = 0; i < nb; i++)
        {
            var block = x.Slice(i * BlockSize, BlockSize);
            var dst = y.Slice(i * bb, bb);
            switch (type)
            {
                case GgmlType.Q4_0: Q4_0(block, dst); break;
                case GgmlType.Q5_0: Q5_0(block, dst); break;
                case GgmlType.Q5_1: Q5_1(block, dst); break;
                case GgmlType.Q8_0: Q8_0(block, dst); break;
                default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a block-quantized type Hark writes");
            }
        }
    }

    /// <summary>Dequantizes whole blocks of <paramref name="type"/> into float32.</summary>
    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> x, Span<float> y)
    {
        var bb = type.BlockBytes();
        var nb = x.Length / bb;
        if (y.Length != nb * BlockSize) throw new ArgumentException($"{nb} blocks hold {nb * BlockSize} values, destination {y.Length}", nameof(y));
        for (var i = 0; i < nb; i++)
        {
            var b = x.Slice(i * bb, bb);
            var o = y.Slice(i * BlockSize, BlockSize);
            switch (type)
            {
                case GgmlType.Q4_0:
                    {
                        var d = F16(b);
                        for (var j = 0; j < 16; j++)
                        {
                            o[j] = ((b[2 + j] & 0x0F) - 8) * d;
                            o[j + 16] = ((b[2 + j] >> 4) - 8) * d;
                        }
                        break;
                    }
                case GgmlType.Q5_0:
                    {
                        var d = F16(b);
                        var qh = BinaryPrimitives.ReadUInt32LittleEndian(b[2..]);
                        for (var j = 0; j < 16; j++)
                        {
                            var h0 = (int)((qh >> j) << 4) & 0x10;
                            var h1 = (int)(qh >> (j + 12)) & 0x10;
                            o[j] = (((b[6 + j] & 0x0F) | h0) - 16) * d;
                            o[j + 16] = (((b[6 + j] >> 4) | h1) - 16) * d;
                        }
                        break;
                    }
                case GgmlType.Q5_1:
                    {
                        var d = F16(b);
                        var m = F16(b[2..]);
                        var qh = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
                        for (var j = 0; j < 16; j++)
                        {
                            var h0 = (int)((qh >> j) << 4) & 0x10;
                            var h1 = (int)(qh >> (j + 12)) & 0x10;
                            o[j] = ((b[8 + j] & 0x0F) | h0) * d + m;
                            o[j + 16] = ((b[8 + j] >> 4) | h1) * d + m;
                        }
                        break;
                    }
                case GgmlType.Q8_0:
                    {
                        var d = F16(b);
                        for (var j = 0; j < 32; j++) o[j] = (sbyte)b[2 + j] * d;
                        break;
                    }
                default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a block-quantized type Hark reads");
            }
        }
    }

    private static float F16(ReadOnlySpan<byte> b) => (float)BinaryPrimitives.ReadHalfLittleEndian(b);

    private static void PutF16(Span<byte> b, float v) => BinaryPrimitives.WriteHalfLittleEndian(b, (Half)v);

    // Signed value of largest magnitude (the first one on ties), as q4_0/q5_0 pick their scale sign from it.
    private static float SignedAbsMax(ReadOnlySpan<float> x)
    {
        float amax = 0f, max = 0f;
        foreach (var v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }
        return max;
    }

    private static void Q4_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        var d = SignedAbsMax(x) / -8f;
        var id = d != 0f ? 1.0f / d : 0.0f;
        PutF16(y, d);
        for (var j = 0; j < 16; j++)
        {
            var xi0 = Math.Min(15, (int)(sbyte)(x[j] * id + 8.5f));
            var xi1 = Math.Min(15, (int)(sbyte)(x[16 + j] * id + 8.5f));
            y[2 + j] = (byte)(xi0 | (xi1 << 4));
        }
    }

    private static void Q5_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        var d = SignedAbsMax(x) / -16f;
        var id = d != 0f ? 1.0f / d : 0.0f;
        PutF16(y, d);
        uint qh = 0;
        for (var j = 0; j < 16; j++)
        {
            var xi0 = Math.Min(31, (int)(sbyte)(x[j] * id + 16.5f));
            var xi1 = Math.Min(31, (int)(sbyte)(x[16 + j] * id + 16.5f));
            y[6 + j] = (byte)((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
            qh |= (uint)((xi0 & 0x10) >> 4) << j;
            qh |= (uint)((xi1 & 0x10) >> 4) << (j + 16);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(y[2..], qh);
    }

    private static void Q5_1(ReadOnlySpan<float> x, Span<byte> y)
    {
        var min = float.MaxValue;
        var max = -float.MaxValue;
        foreach (var v in x)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var d = (max - min) / 31f;
        var id = d != 0f ? 1.0f / d : 0.0f;
        PutF16(y, d);
        PutF16(y[2..], min);
        uint qh = 0;
        for (var j = 0; j < 16; j++)
        {
            var xi0 = (int)(byte)((x[j] - min) * id + 0.5f);
            var xi1 = (int)(byte)((x[16 + j] - min) * id + 0.5f);
            y[8 + j] = (byte)((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
            qh |= (uint)((xi0 & 0x10) >> 4) << j;
            qh |= (uint)((xi1 & 0x10) >> 4) << (j + 16);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(y[4..], qh);
    }

    private static void Q8_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        var amax = 0f;
        foreach (var v in x) amax = amax > MathF.Abs(v) ? amax : MathF.Abs(v);
        var d = amax / 127f;
        var id = d != 0f ? 1.0f / d : 0.0f;
        PutF16(y, d);
        for (var j = 0; j < 32; j++) y[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
    }
}

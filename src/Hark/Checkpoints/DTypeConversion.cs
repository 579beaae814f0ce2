using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Hark.Checkpoints;

/// <summary>Converts raw little-endian tensor bytes to and from float32.</summary>
internal static class DTypeConversion
{
    /// <summary>Decodes <paramref name="source"/> stored as <paramref name="type"/> into float32.</summary>
    /// <exception cref="ArgumentException">Lengths disagree, or the dtype has no float meaning (Bool).</exception>
    public static void ToFloat32(DType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length != destination.Length * (long)type.SizeInBytes())
            throw new ArgumentException($"{source.Length} bytes of {type} do not hold {destination.Length} elements", nameof(source));
        switch (type)
        {
            case DType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case DType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case DType.BF16:
                BFloat16ToFloat32(MemoryMarshal.Cast<byte, ushort>(source), destination);
                break;
            case DType.F64:
                var d = MemoryMarshal.Cast<byte, double>(source);
                for (var i = 0; i < d.Length; i++) destination[i] = (float)d[i];
                break;
            case DType.I8:
                var s8 = MemoryMarshal.Cast<byte, sbyte>(source);
                for (var i = 0; i < s8.Length; i++) destination[i] = s8[i];
                break;
            case DType.U8:
                for (var i = 0; i < source.Length; i++) destination[i] = source[i];
                break;
            case DType.I16:
                var s16 = MemoryMarshal.Cast<byte, short>(source);
                for (var i = 0; i < s16.Length; i++) destination[i] = s16[i];
                break;
            case DType.I32:
                var s32 = MemoryMarshal.Cast<byte, int>(source);
                for (var i = 0; i < s32.Length; i++) destination[i] = s32[i];
                break;
            case DType.I64:
                for (var i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt64LittleEndian(source[(i * 8)..]);
                break;
            default:
                throw new ArgumentException($"{type} tensors have no float32 meaning", nameof(type));
        }
    }

    /// <summary>Encodes float32 values as <paramref name="type"/> (F32, F16 or BF16, round to nearest even).</summary>
    public static void FromFloat32(DType type, ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (destination.Length != source.Length * (long)type.SizeInBytes())
            throw new ArgumentException($"{destination.Length} bytes of {type} do not hold {source.Length} elements", nameof(destination));
        switch (type)
        {
            case DType.F32:
                MemoryMarshal.Cast<float, byte>(source).CopyTo(destination);
                break;
            case DType.F16:
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
                break;
            case DType.BF16:
                Float32ToBFloat16(source, MemoryMarshal.Cast<byte, ushort>(destination));
                break;
            default:
                throw new ArgumentException($"cannot encode float32 as {type}", nameof(type));
        }
    }

    /// <summary>bfloat16 bits to float32 (exact).</summary>
    public static void BFloat16ToFloat32(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        var bits = MemoryMarshal.Cast<float, uint>(destination);
        for (var i = 0; i < source.Length; i++) bits[i] = (uint)source[i] << 16;
    }

    /// <summary>float32 to bfloat16 bits, round to nearest even; NaN stays NaN.</summary>
    public static void Float32ToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        var bits = MemoryMarshal.Cast<float, uint>(source);
        for (var i = 0; i < bits.Length; i++) destination[i] = ToBFloat16(bits[i]);
    }

    private static ushort ToBFloat16(uint f)
    {
        if ((f & 0x7FFF_FFFF) > 0x7F80_0000) return (ushort)((f >> 16) | 0x40); // quiet NaN
        var rounding = 0x7FFFu + ((f >> 16) & 1);
        return (ushort)((f + rounding) >> 16);
    }
}

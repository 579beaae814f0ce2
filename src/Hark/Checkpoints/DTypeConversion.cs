using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// float32 to bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. Vectorised: weights at load and, for
    /// the VDPBF16PS kernel, every activation row of a bf16 linear op go through it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Float32ToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination shorter than source", nameof(destination));
        var bits = MemoryMarshal.Cast<float, uint>(source);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref var from = ref MemoryMarshal.GetReference(bits);
            ref var to = ref MemoryMarshal.GetReference(destination);
            for (; i + 32 <= bits.Length; i += 32)
                Vector512.Narrow(ToBFloat16(Vector512.LoadUnsafe(ref from, (nuint)i)), ToBFloat16(Vector512.LoadUnsafe(ref from, (nuint)i + 16)))
                    .StoreUnsafe(ref to, (nuint)i);
        }
        for (; i < bits.Length; i++) destination[i] = ToBFloat16(bits[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> ToBFloat16(Vector512<uint> f)
    {
        var rounded = (f + Vector512.Create(0x7FFFu) + ((f >> 16) & Vector512<uint>.One)) >> 16;
        var nan = Vector512.GreaterThan(f & Vector512.Create(0x7FFF_FFFFu), Vector512.Create(0x7F80_0000u));
        return Vector512.ConditionalSelect(nan, (f >> 16) | Vector512.Create(0x40u), rounded);
    }

    /// <summary>One float32's bits to bfloat16 bits: the rule the vectorised loop follows.</summary>
    internal static ushort ToBFloat16(uint f)
    {
        if ((f & 0x7FFF_FFFF) > 0x7F80_0000) return (ushort)((f >> 16) | 0x40); // quiet NaN
        var rounding = 0x7FFFu + ((f >> 16) & 1);
        return (ushort)((f + rounding) >> 16);
    }
}

using Hark.Checkpoints;
using Hark.Engines.Backends;

namespace Hark.Engines.Vulkan;

/// <summary>
/// Encodes a row-major float32 weight into the layout the shaders read (see <see cref="VulkanTensor"/>), with the same
/// rounding and int8 quantisation (symmetric, per output row, scale = max|w| / 127) as the CPU backend.
/// </summary>
internal static class VulkanWeightEncoding
{
    /// <summary>Bytes of the encoded weight.</summary>
    public static long Bytes(TensorDType dtype, int rows, int columns) =>
        (long)rows * VulkanTensor.WordsPerRow(dtype, columns) * 4 + (dtype == TensorDType.Int8 ? rows * 4L : 0);

    /// <summary>Encodes <paramref name="w"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="HarkInputException">A value is NaN or infinite.</exception>
    public static void Encode(ReadOnlySpan<float> w, int rows, int columns, TensorDType dtype, Span<byte> destination, string what)
    {
        foreach (var v in w)
        {
            if (!float.IsFinite(v)) throw new HarkInputException("weight holds NaN or infinity; expected finite values", field: what);
        }
        var rowBytes = VulkanTensor.WordsPerRow(dtype, columns) * 4;
        destination.Clear();
        for (var r = 0; r < rows; r++)
        {
            var src = w.Slice(r * columns, columns);
            var dst = destination.Slice(r * rowBytes, rowBytes);
            switch (dtype)
            {
                case TensorDType.Float32:
                    System.Runtime.InteropServices.MemoryMarshal.AsBytes(src).CopyTo(dst);
                    break;
                case TensorDType.Float16:
                    DTypeConversion.FromFloat32(DType.F16, src, dst[..(columns * 2)]);
                    break;
                case TensorDType.BFloat16:
                    DTypeConversion.FromFloat32(DType.BF16, src, dst[..(columns * 2)]);
                    break;
                case TensorDType.Int8:
                    {
                        var max = 0f;
                        foreach (var v in src) max = Math.Max(max, Math.Abs(v));
                        var scale = max / 127f;
                        var inverse = scale > 0 ? 1f / scale : 0f;
                        for (var i = 0; i < columns; i++) dst[i] = (byte)(sbyte)Math.Clamp(MathF.Round(src[i] * inverse), -127f, 127f);
                        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(rows * rowBytes + r * 4, 4), scale);
                        break;
                    }
                default:
                    throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown weight dtype");
            }
        }
    }
}

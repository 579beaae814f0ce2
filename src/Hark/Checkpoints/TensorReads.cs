using System.Buffers;
using System.Runtime.InteropServices;

namespace Hark.Checkpoints;

/// <summary>Checks and conversions shared by the tensor sources.</summary>
internal static class TensorReads
{
    /// <summary>Throws unless <paramref name="length"/> equals the tensor's byte count.</summary>
    public static void CheckByteLength(TensorInfo info, int length, string? path)
    {
        if (length != info.ByteCount)
            throw new HarkInputException($"destination holds {length} bytes, tensor has {info.ByteCount}", path, info.Name);
    }

    /// <summary>Implements <see cref="ITensorSource.ReadFloat32"/> on top of a raw-byte reader.</summary>
    public static void ReadFloat32(TensorInfo info, Span<float> destination, string? path, ReadBytesAction readBytes)
    {
        if (destination.Length != info.ElementCount)
            throw new HarkInputException($"destination holds {destination.Length} elements, tensor has {info.ElementCount}", path, info.Name);
        if (info.DType == DType.Bool)
            throw new HarkInputException("BOOL tensors have no float32 meaning", path, info.Name);
        if (info.DType == DType.F32)
        {
            readBytes(MemoryMarshal.AsBytes(destination));
            return;
        }
        var byteCount = checked((int)info.ByteCount);
        var buffer = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var bytes = buffer.AsSpan(0, byteCount);
            readBytes(bytes);
            DTypeConversion.ToFloat32(info.DType, bytes, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Fills a span with a tensor's stored bytes.</summary>
    public delegate void ReadBytesAction(Span<byte> destination);
}

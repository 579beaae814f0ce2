using Hark.Engines.Backends;

namespace Hark.Engines.Vulkan;

/// <summary>
/// A tensor in device memory: a float32 activation (row stride = columns) or a weight stored row-major as
/// <see cref="DType"/> with each row padded to whole 32-bit words; int8 weights keep their per-row float scales after
/// the rows.
/// </summary>
internal sealed class VulkanTensor(VulkanRecorder recorder, VulkanBuffer buffer, TensorDType dtype, int rows, int columns, int rowWords, bool isWeight)
    : IDeviceTensor
{
    private bool _disposed;

    public VulkanBuffer Buffer { get; } = buffer;
    public TensorDType DType { get; } = dtype;
    public int Rows { get; } = rows;
    public int Columns { get; } = columns;
    public long ByteSize => Buffer.Size;

    /// <summary>32-bit words per stored row.</summary>
    public int RowWords { get; } = rowWords;

    /// <summary>Created by <c>CreateLinearWeight</c>/<c>CreateConv1dWeight</c> (read only through the weight path).</summary>
    public bool IsWeight { get; } = isWeight;

    /// <summary>Device address of row <paramref name="row"/> (float32 tensors).</summary>
    public ulong RowAddress(int row) => Buffer.Address + (ulong)row * (ulong)RowWords * 4;

    /// <summary>Device address of the int8 scales (or of the data for other types, never read).</summary>
    public ulong ScalesAddress => DType == TensorDType.Int8 ? Buffer.Address + (ulong)Rows * (ulong)RowWords * 4 : Buffer.Address;

    /// <summary>Words per row when <paramref name="columns"/> elements of <paramref name="dtype"/> are packed into 32-bit words.</summary>
    public static int WordsPerRow(TensorDType dtype, int columns) => dtype switch
    {
        TensorDType.Float32 => columns,
        TensorDType.Float16 or TensorDType.BFloat16 => (columns + 1) / 2,
        TensorDType.Int8 => (columns + 3) / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        recorder.Release(Buffer);
    }
}

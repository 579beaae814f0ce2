using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>A dense row-major tensor in host memory: float32, or float16 for compact key/value storage.</summary>
internal sealed unsafe class CpuTensor : IDeviceTensor
{
    private readonly NativeBuffer _buffer;

    public CpuTensor(int rows, int columns, TensorDType dtype = TensorDType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (dtype is not (TensorDType.Float32 or TensorDType.Float16))
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "dense tensors are float32 or float16");
        Rows = rows;
        Columns = columns;
        DType = dtype;
        _buffer = new NativeBuffer((long)rows * columns * dtype.SizeInBytes());
    }

    public TensorDType DType { get; }
    public int Rows { get; }
    public int Columns { get; }
    public long ByteSize => _buffer.ByteSize;

    /// <summary>Bytes of one row.</summary>
    public long RowBytes => (long)Columns * DType.SizeInBytes();

    /// <summary>First element of a float32 tensor.</summary>
    public float* Data => DType == TensorDType.Float32 ? (float*)_buffer.Pointer : throw new InvalidOperationException("not a float32 tensor");

    /// <summary>First byte.</summary>
    public byte* Bytes => _buffer.Pointer;

    /// <summary>Row <paramref name="row"/> of a float32 tensor.</summary>
    public float* Row(int row) => Data + (long)row * Columns;

    /// <summary>Rows of a float32 view as one span.</summary>
    public Span<float> Span(int rowOffset, int rows) => new(Row(rowOffset), checked(rows * Columns));

    public void Dispose() => _buffer.Dispose();
}

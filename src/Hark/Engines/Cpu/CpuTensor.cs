using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>A dense row-major float32 tensor in host memory.</summary>
internal sealed unsafe class CpuTensor : IDeviceTensor
{
    private readonly NativeBuffer _buffer;

    public CpuTensor(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        _buffer = new NativeBuffer((long)rows * columns * sizeof(float));
    }

    public TensorDType DType => TensorDType.Float32;
    public int Rows { get; }
    public int Columns { get; }
    public long ByteSize => _buffer.ByteSize;

    /// <summary>First element.</summary>
    public float* Data => (float*)_buffer.Pointer;

    /// <summary>Row <paramref name="row"/>.</summary>
    public float* Row(int row) => Data + (long)row * Columns;

    /// <summary>Rows of a view as one span.</summary>
    public Span<float> Span(int rowOffset, int rows) => new(Row(rowOffset), checked(rows * Columns));

    public void Dispose() => _buffer.Dispose();
}

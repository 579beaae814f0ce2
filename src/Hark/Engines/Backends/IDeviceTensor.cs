namespace Hark.Engines.Backends;

/// <summary>
/// A tensor living in an <see cref="IOpBackend"/>'s memory. Every tensor is viewed as a row-major matrix
/// <c>[Rows, Columns]</c> (leading dimensions folded into rows), which is all the Whisper forward pass needs.
/// Weights may be stored in a backend-specific packed layout; only the backend reads them.
/// </summary>
public interface IDeviceTensor : IDisposable
{
    /// <summary>Element type as stored.</summary>
    TensorDType DType { get; }

    /// <summary>Rows (for a linear weight: output features).</summary>
    int Rows { get; }

    /// <summary>Columns (for a linear weight: input features).</summary>
    int Columns { get; }

    /// <summary>Bytes held on the device, packing and scales included.</summary>
    long ByteSize { get; }
}

/// <summary>A contiguous range of rows of a tensor; a value type so ops take views without allocating.</summary>
/// <param name="Tensor">The tensor.</param>
/// <param name="RowOffset">First row.</param>
/// <param name="Rows">Number of rows.</param>
public readonly record struct TensorView(IDeviceTensor Tensor, int RowOffset, int Rows)
{
    /// <summary>Columns of the underlying tensor.</summary>
    public int Columns => Tensor.Columns;

    /// <summary>The whole tensor.</summary>
    public static TensorView Of(IDeviceTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(tensor, 0, tensor.Rows);
    }

    /// <summary>Rows <paramref name="offset"/> .. <paramref name="offset"/>+<paramref name="rows"/> of <paramref name="tensor"/>.</summary>
    public static TensorView Of(IDeviceTensor tensor, int offset, int rows)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (offset < 0 || rows < 0 || offset + rows > tensor.Rows)
            throw new ArgumentOutOfRangeException(nameof(rows), $"rows {offset}..{offset + rows} outside a tensor of {tensor.Rows} rows");
        return new(tensor, offset, rows);
    }
}

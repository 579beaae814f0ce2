using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>
/// A linear weight <c>[N, K]</c> packed for the GEMM micro-kernel: panels of <see cref="PanelWidth"/> output rows,
/// each stored k-major (<c>panel[k][j] = W[p·32 + j, k]</c>), zero-padded past N. Packing happens once at load, so
/// the kernel streams each panel contiguously. int8 keeps one float scale per output row. The panels live in native
/// memory owned by the weight, or in a mapping of the packed-weight cache (<see cref="MapFrom"/>), used in place.
/// </summary>
internal sealed unsafe class PackedWeight : IDeviceTensor
{
    public const int PanelWidth = 32;

    private readonly NativeBuffer? _data;
    private readonly NativeBuffer? _scales;
    private readonly byte* _mappedData;
    private readonly float* _mappedScales;

    public PackedWeight(int n, int k, TensorDType dtype)
    {
        Rows = n;
        Columns = k;
        DType = dtype;
        Panels = (n + PanelWidth - 1) / PanelWidth;
        _data = new NativeBuffer(DataBytes(n, k, dtype));
        if (dtype == TensorDType.Int8) _scales = new NativeBuffer(ScaleBytes(n, dtype));
    }

    private PackedWeight(int n, int k, TensorDType dtype, byte* data, float* scales)
    {
        Rows = n;
        Columns = k;
        DType = dtype;
        Panels = (n + PanelWidth - 1) / PanelWidth;
        _mappedData = data;
        _mappedScales = scales;
    }

    /// <summary>
    /// A weight whose panels (and int8 scales) already lie, packed, at <paramref name="data"/>: a mapping that the caller
    /// keeps alive longer than the weight. Nothing is copied; disposing the weight leaves the memory alone.
    /// </summary>
    public static PackedWeight MapFrom(int n, int k, TensorDType dtype, byte* data, float* scales)
    {
        if (data == null || (dtype == TensorDType.Int8) != (scales != null))
            throw new ArgumentException("mapped packed weight needs its data, and scales exactly when int8");
        return new PackedWeight(n, k, dtype, data, scales);
    }

    /// <summary>Bytes of the packed panels of a <c>[n, k]</c> weight (zero padding included).</summary>
    public static long DataBytes(int n, int k, TensorDType dtype) => (long)((n + PanelWidth - 1) / PanelWidth) * PanelWidth * k * dtype.SizeInBytes();

    /// <summary>Bytes of the per-row scales (int8 only, else 0).</summary>
    public static long ScaleBytes(int n, TensorDType dtype) => dtype == TensorDType.Int8 ? (long)((n + PanelWidth - 1) / PanelWidth) * PanelWidth * sizeof(float) : 0;

    public TensorDType DType { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int Panels { get; }
    public long ByteSize => DataBytes(Rows, Columns, DType) + ScaleBytes(Rows, DType);

    /// <summary>Start of the packed panels.</summary>
    public byte* Data => _data is null ? _mappedData : _data.Pointer;

    /// <summary>Per-row scales (int8 only), else null.</summary>
    public float* Scales => _scales is null ? _mappedScales : (float*)_scales.Pointer;

    /// <summary>Bytes of one panel.</summary>
    public long PanelBytes => (long)PanelWidth * Columns * DType.SizeInBytes();

    /// <summary>Element offset of <c>W[n, k]</c> in the packed data.</summary>
    public long Offset(int n, int k) => (long)(n / PanelWidth) * PanelWidth * Columns + (long)k * PanelWidth + n % PanelWidth;

    public void Dispose()
    {
        _data?.Dispose();
        _scales?.Dispose();
    }
}

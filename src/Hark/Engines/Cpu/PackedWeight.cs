using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>
/// A linear weight <c>[N, K]</c> packed for the GEMM micro-kernels: panels of <see cref="PanelWidth"/> output rows,
/// zero-padded past N. Floating-point panels are k-major (<c>panel[k][j] = W[p·32 + j, k]</c>). int8 panels are
/// k-quad-major (<c>panel[k/4][j][k%4]</c>, K padded to a multiple of 4 with zeros): four consecutive k of one output
/// share a 32-bit lane, the operand shape of VPDPBUSD and of VPMADDWD pairs. int8 keeps one float scale and one
/// integer sum per output row. Packing happens once at load, so the kernels stream each panel contiguously. The
/// panels live in native memory owned by the weight, or in a mapping of the packed-weight cache (<see cref="MapFrom"/>),
/// used in place; int8 scales and sums lie together (<see cref="ScaleBytes"/>: the scales, then the sums).
/// </summary>
internal sealed unsafe class PackedWeight : IDeviceTensor
{
    public const int PanelWidth = 32;

    /// <summary>k values sharing one 32-bit lane in int8 panels.</summary>
    public const int Int8Group = 4;

    /// <summary>
    /// Version of the packed byte layout; bump it whenever panels change shape, so anything that caches packed
    /// weights (keyed by this) repacks instead of reading a stale layout. 2: int8 panels became k-quad-major.
    /// </summary>
    public const int LayoutVersion = 2;

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
        PaddedColumns = PadColumns(k, dtype);
        _data = new NativeBuffer(DataBytes(n, k, dtype));
        if (dtype == TensorDType.Int8) _scales = new NativeBuffer(ScaleBytes(n, dtype));
    }

    private PackedWeight(int n, int k, TensorDType dtype, byte* data, float* scales)
    {
        Rows = n;
        Columns = k;
        DType = dtype;
        Panels = (n + PanelWidth - 1) / PanelWidth;
        PaddedColumns = PadColumns(k, dtype);
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

    /// <summary>K as a <c>[n, k]</c> weight of <paramref name="dtype"/> stores it (int8 pads to whole k-quads).</summary>
    public static int PadColumns(int k, TensorDType dtype) => dtype == TensorDType.Int8 ? (k + Int8Group - 1) / Int8Group * Int8Group : k;

    /// <summary>Rows as the panels store them (a whole number of panels).</summary>
    public static int PadRows(int n) => (n + PanelWidth - 1) / PanelWidth * PanelWidth;

    /// <summary>Bytes of the packed panels of a <c>[n, k]</c> weight (zero padding included).</summary>
    public static long DataBytes(int n, int k, TensorDType dtype) => (long)PadRows(n) * PadColumns(k, dtype) * dtype.SizeInBytes();

    /// <summary>Bytes of the per-row float scales followed by the per-row int32 sums (int8 only, else 0).</summary>
    public static long ScaleBytes(int n, TensorDType dtype) => dtype == TensorDType.Int8 ? (long)PadRows(n) * (sizeof(float) + sizeof(int)) : 0;

    public TensorDType DType { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int Panels { get; }

    /// <summary>K as stored: a multiple of <see cref="Int8Group"/> for int8, else <see cref="Columns"/>.</summary>
    public int PaddedColumns { get; }

    public long ByteSize => DataBytes(Rows, Columns, DType) + ScaleBytes(Rows, DType);

    /// <summary>Start of the packed panels.</summary>
    public byte* Data => _data is null ? _mappedData : _data.Pointer;

    /// <summary>Per-row scales (int8 only), else null.</summary>
    public float* Scales => _scales is null ? _mappedScales : (float*)_scales.Pointer;

    /// <summary>
    /// Per-row sums of the int8 values <c>Σ_k q[n, k]</c> (int8 only), else null: the correction the unsigned×signed
    /// product needs when activations carry a +128 zero point.
    /// </summary>
    public int* Sums => Scales == null ? null : (int*)(Scales + PadRows(Rows));

    /// <summary>Bytes of one panel.</summary>
    public long PanelBytes => (long)PanelWidth * PaddedColumns * DType.SizeInBytes();

    /// <summary>Element offset of <c>W[n, k]</c> in the packed data.</summary>
    public long Offset(int n, int k)
    {
        var panel = (long)(n / PanelWidth) * PanelWidth * PaddedColumns;
        var j = n % PanelWidth;
        return DType == TensorDType.Int8
            ? panel + (long)(k / Int8Group) * PanelWidth * Int8Group + j * Int8Group + k % Int8Group
            : panel + (long)k * PanelWidth + j;
    }

    public void Dispose()
    {
        _data?.Dispose();
        _scales?.Dispose();
    }
}

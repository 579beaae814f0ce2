using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>
/// A linear weight <c>[N, K]</c> packed for the GEMM micro-kernels: panels of <see cref="PanelWidth"/> output rows,
/// zero-padded past N. Floating-point panels are k-major (<c>panel[k][j] = W[p·32 + j, k]</c>). int8 panels are
/// k-quad-major (<c>panel[k/4][j][k%4]</c>, K padded to a multiple of 4 with zeros): four consecutive k of one output
/// share a 32-bit lane, the operand shape of VPDPBUSD and of VPMADDWD pairs. int8 keeps one float scale and one
/// integer sum per output row. Packing happens once at load, so the kernels stream each panel contiguously.
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

    private readonly NativeBuffer _data;
    private readonly NativeBuffer? _scales;
    private readonly NativeBuffer? _sums;

    public PackedWeight(int n, int k, TensorDType dtype)
    {
        Rows = n;
        Columns = k;
        DType = dtype;
        Panels = (n + PanelWidth - 1) / PanelWidth;
        PaddedColumns = dtype == TensorDType.Int8 ? (k + Int8Group - 1) / Int8Group * Int8Group : k;
        _data = new NativeBuffer((long)Panels * PanelWidth * PaddedColumns * dtype.SizeInBytes());
        if (dtype == TensorDType.Int8)
        {
            _scales = new NativeBuffer((long)Panels * PanelWidth * sizeof(float));
            _sums = new NativeBuffer((long)Panels * PanelWidth * sizeof(int));
        }
    }

    public TensorDType DType { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int Panels { get; }

    /// <summary>K as stored: a multiple of <see cref="Int8Group"/> for int8, else <see cref="Columns"/>.</summary>
    public int PaddedColumns { get; }

    public long ByteSize => _data.ByteSize + (_scales?.ByteSize ?? 0) + (_sums?.ByteSize ?? 0);

    /// <summary>Start of the packed panels.</summary>
    public byte* Data => _data.Pointer;

    /// <summary>Per-row scales (int8 only), else null.</summary>
    public float* Scales => _scales is null ? null : (float*)_scales.Pointer;

    /// <summary>
    /// Per-row sums of the int8 values <c>Σ_k q[n, k]</c> (int8 only), else null: the correction the unsigned×signed
    /// product needs when activations carry a +128 zero point.
    /// </summary>
    public int* Sums => _sums is null ? null : (int*)_sums.Pointer;

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
        _data.Dispose();
        _scales?.Dispose();
        _sums?.Dispose();
    }
}

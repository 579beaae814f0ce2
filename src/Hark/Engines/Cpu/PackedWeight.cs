using Hark.Engines.Backends;

namespace Hark.Engines.Cpu;

/// <summary>
/// A linear weight <c>[N, K]</c> packed for the GEMM micro-kernel: panels of <see cref="PanelWidth"/> output rows,
/// each stored k-major (<c>panel[k][j] = W[p·32 + j, k]</c>), zero-padded past N. Packing happens once at load, so
/// the kernel streams each panel contiguously. int8 keeps one float scale per output row.
/// </summary>
internal sealed unsafe class PackedWeight : IDeviceTensor
{
    public const int PanelWidth = 32;

    private readonly NativeBuffer _data;
    private readonly NativeBuffer? _scales;

    public PackedWeight(int n, int k, TensorDType dtype)
    {
        Rows = n;
        Columns = k;
        DType = dtype;
        Panels = (n + PanelWidth - 1) / PanelWidth;
        _data = new NativeBuffer((long)Panels * PanelWidth * k * dtype.SizeInBytes());
        if (dtype == TensorDType.Int8) _scales = new NativeBuffer((long)Panels * PanelWidth * sizeof(float));
    }

    public TensorDType DType { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int Panels { get; }
    public long ByteSize => _data.ByteSize + (_scales?.ByteSize ?? 0);

    /// <summary>Start of the packed panels.</summary>
    public byte* Data => _data.Pointer;

    /// <summary>Per-row scales (int8 only), else null.</summary>
    public float* Scales => _scales is null ? null : (float*)_scales.Pointer;

    /// <summary>Bytes of one panel.</summary>
    public long PanelBytes => (long)PanelWidth * Columns * DType.SizeInBytes();

    /// <summary>Element offset of <c>W[n, k]</c> in the packed data.</summary>
    public long Offset(int n, int k) => (long)(n / PanelWidth) * PanelWidth * Columns + (long)k * PanelWidth + n % PanelWidth;

    public void Dispose()
    {
        _data.Dispose();
        _scales?.Dispose();
    }
}

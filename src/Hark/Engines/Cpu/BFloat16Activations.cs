namespace Hark.Engines.Cpu;

/// <summary>
/// The activation rows of one bfloat16 linear op, rounded to bfloat16 (to nearest even) once before the GEMM for
/// <see cref="BFloat16Gemm"/>. Rows are padded with zeros to whole 6-row tiles so the micro-kernel never reads past
/// the last row. Buffers grow when a larger shape first appears and are then reused.
/// </summary>
internal sealed unsafe class BFloat16Activations : ITeamJob, IDisposable
{
    private const int RowsPerTask = 32;

    private NativeBuffer? _values;
    private float* _x;
    private int _ldx;
    private int _k;
    private int _m;

    /// <summary>bfloat16 elements per row (K).</summary>
    public int Stride { get; private set; }

    /// <summary>Rounded rows, <see cref="Stride"/> elements apart; rows past the last up to a multiple of 6 are zero.</summary>
    public ushort* Values => (ushort*)_values!.Pointer;

    /// <summary>Rounds rows <c>x[0..m)</c> of <paramref name="k"/> floats (<paramref name="ldx"/> apart).</summary>
    public void Convert(ThreadTeam team, float* x, int ldx, int m, int k)
    {
        var padded = (m + Native.NativeKernels.Rows - 1) / Native.NativeKernels.Rows * Native.NativeKernels.Rows;
        var bytes = (long)padded * k * sizeof(ushort);
        if (_values is null || _values.ByteSize < bytes)
        {
            _values?.Dispose();
            _values = new NativeBuffer(bytes);
        }
        Stride = k;
        new Span<byte>(Values + (long)m * k, (int)((padded - m) * (long)k * sizeof(ushort))).Clear();
        _x = x;
        _ldx = ldx;
        _k = k;
        _m = m;
        var tasks = (m + RowsPerTask - 1) / RowsPerTask;
        if (tasks == 1) Rows(0, m);
        else team.Run(this, tasks);
        _x = null;
    }

    /// <inheritdoc />
    public void Execute(int task, int worker)
    {
        var r0 = task * RowsPerTask;
        Rows(r0, Math.Min(_m, r0 + RowsPerTask));
    }

    private void Rows(int from, int to)
    {
        for (var r = from; r < to; r++)
            Checkpoints.DTypeConversion.Float32ToBFloat16(new ReadOnlySpan<float>(_x + (long)r * _ldx, _k), new Span<ushort>(Values + (long)r * Stride, _k));
    }

    /// <inheritdoc />
    public void Dispose() => _values?.Dispose();
}

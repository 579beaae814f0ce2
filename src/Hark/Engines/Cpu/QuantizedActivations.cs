namespace Hark.Engines.Cpu;

/// <summary>
/// The activation rows of one int8 linear op, quantised once before the GEMM (every output panel reuses them):
/// unsigned bytes for <see cref="Int8Kernel.AvxVnni"/>, int16 for <see cref="Int8Kernel.Avx2"/>, one scale per row.
/// Buffers grow when a larger shape first appears and are then reused, so the decode loop does not allocate.
/// Blocks of <see cref="RowsPerTask"/> rows are quantised in parallel.
/// </summary>
internal sealed unsafe class QuantizedActivations : ITeamJob, IDisposable
{
    /// <summary>Rows per parallel task; fewer rows in all are quantised on the calling thread.</summary>
    public const int RowsPerTask = 32;

    private NativeBuffer? _values;
    private NativeBuffer? _scales;
    private float* _x;
    private int _ldx;
    private int _k;
    private int _m;

    /// <summary>Elements per quantised row (K padded to whole quads).</summary>
    public int Stride { get; private set; }

    /// <summary>Whether rows are int16 (<see cref="Int8Kernel.Avx2"/>) rather than unsigned bytes.</summary>
    public bool Int16 { get; private set; }

    /// <summary>Quantised rows: <see cref="Stride"/> bytes or int16 apart.</summary>
    public byte* Values => _values!.Pointer;

    /// <summary>One scale per row.</summary>
    public float* Scales => (float*)_scales!.Pointer;

    /// <summary>Quantises rows <c>x[0..m)</c> of <paramref name="k"/> floats (<paramref name="ldx"/> apart).</summary>
    public void Quantize(ThreadTeam team, float* x, int ldx, int m, int k, int paddedK, bool int16)
    {
        Stride = paddedK;
        Int16 = int16;
        var bytes = (long)m * paddedK * (int16 ? sizeof(short) : sizeof(byte));
        if (_values is null || _values.ByteSize < bytes)
        {
            _values?.Dispose();
            _values = new NativeBuffer(bytes);
        }
        if (_scales is null || _scales.ByteSize < (long)m * sizeof(float))
        {
            _scales?.Dispose();
            _scales = new NativeBuffer(Math.Max(m, GemmKernels.MC) * (long)sizeof(float));
        }
        _x = x;
        _ldx = ldx;
        _k = k;
        var tasks = (m + RowsPerTask - 1) / RowsPerTask;
        if (tasks == 1) Rows(0, m);
        else
        {
            _m = m;
            team.Run(this, tasks);
        }
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
        {
            var x = _x + (long)r * _ldx;
            Scales[r] = Int16
                ? ActivationQuantizer.ToInt16(x, _k, Stride, (short*)Values + (long)r * Stride)
                : ActivationQuantizer.ToUnsignedBytes(x, _k, Stride, Values + (long)r * Stride);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _values?.Dispose();
        _scales?.Dispose();
    }
}

namespace Hark.Engines.Cpu;

/// <summary>
/// Per-worker scratch memory, allocated once and grown only when a larger shape first appears (at the first
/// encoder window, never inside the steady decode loop).
/// </summary>
internal sealed unsafe class WorkerScratch : IDisposable
{
    private readonly NativeBuffer[] _tiles;
    private readonly NativeBuffer[] _slabs;
    private readonly NativeBuffer?[] _attention;

    public WorkerScratch(int workers)
    {
        _tiles = new NativeBuffer[workers];
        _attention = new NativeBuffer?[workers];
        _slabs = new NativeBuffer[workers];
        for (var i = 0; i < workers; i++)
        {
            _tiles[i] = new NativeBuffer((long)GemmKernels.MC * LinearJob.PanelsPerTask * PackedWeight.PanelWidth * sizeof(float));
            _slabs[i] = new NativeBuffer((long)GemmKernels.KC * PackedWeight.PanelWidth * sizeof(float));
        }
    }

    /// <summary>A <c>[MC, PanelsPerTask·32]</c> GEMM tile of worker <paramref name="worker"/>.</summary>
    public float* Tile(int worker) => (float*)_tiles[worker].Pointer;

    /// <summary>A <c>[KC, 32]</c> slab for widening 2-byte and int8 weight panels.</summary>
    public float* Slab(int worker) => (float*)_slabs[worker].Pointer;

    /// <summary>Worker <paramref name="worker"/>'s attention buffer of at least <paramref name="floats"/> floats.</summary>
    public float* Attention(int worker, long floats)
    {
        var buffer = _attention[worker];
        if (buffer is null || buffer.ByteSize < floats * sizeof(float))
        {
            buffer?.Dispose();
            buffer = _attention[worker] = new NativeBuffer(floats * sizeof(float));
        }
        return (float*)buffer.Pointer;
    }

    /// <summary>Grows every worker's attention buffer before a parallel region, so workers never allocate.</summary>
    public void EnsureAttention(long floats)
    {
        for (var i = 0; i < _attention.Length; i++) Attention(i, floats);
    }

    public void Dispose()
    {
        foreach (var t in _tiles) t.Dispose();
        foreach (var s in _slabs) s.Dispose();
        foreach (var a in _attention) a?.Dispose();
    }
}

using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>
/// Activation buffers of a decoder session, sized for the largest step seen so far. They grow only when a step
/// feeds more rows than any before (the prompt), so the one-token-per-step loop allocates nothing. The logits, the
/// largest (tens of MB for word timestamps' alignment pass), are the engine's <see cref="TensorPool"/>'s.
/// </summary>
internal sealed class DecoderBuffers(IOpBackend backend, TensorPool pool, int dModel, int ffn, int vocab, TensorDType cacheType) : IDisposable
{
    public int RowCapacity { get; private set; }
    public int OutputCapacity { get; private set; }
    public IDeviceTensor X { get; private set; } = null!;
    public IDeviceTensor Norm { get; private set; } = null!;
    public IDeviceTensor Q { get; private set; } = null!;
    public IDeviceTensor K { get; private set; } = null!;
    public IDeviceTensor V { get; private set; } = null!;
    public IDeviceTensor Attended { get; private set; } = null!;
    public IDeviceTensor Hidden { get; private set; } = null!;
    public IDeviceTensor Selected { get; private set; } = null!;
    public IDeviceTensor Logits { get; private set; } = null!;
    public int[] Tokens { get; private set; } = [];
    public int[] Positions { get; private set; } = [];
    public int[] SourceStarts { get; private set; } = [];
    public int[] DestinationStarts { get; private set; } = [];

    public void EnsureRows(int rows)
    {
        if (rows <= RowCapacity) return;
        DisposeRows();
        RowCapacity = rows;
        X = backend.Allocate(rows, dModel);
        Norm = backend.Allocate(rows, dModel);
        Q = backend.Allocate(rows, dModel);
        K = backend.Allocate(rows, dModel, cacheType);
        V = backend.Allocate(rows, dModel, cacheType);
        Attended = backend.Allocate(rows, dModel);
        Hidden = backend.Allocate(rows, ffn);
        Tokens = new int[rows];
        Positions = new int[rows];
        SourceStarts = new int[rows];
        DestinationStarts = new int[rows];
    }

    public void EnsureOutputs(int rows)
    {
        if (rows <= OutputCapacity) return;
        Selected?.Dispose();
        pool.Return(Logits);
        OutputCapacity = rows;
        Selected = backend.Allocate(rows, dModel);
        Logits = pool.Rent(rows, vocab);
    }

    private void DisposeRows()
    {
        if (RowCapacity == 0) return;
        X.Dispose();
        Norm.Dispose();
        Q.Dispose();
        K.Dispose();
        V.Dispose();
        Attended.Dispose();
        Hidden.Dispose();
    }

    public void Dispose()
    {
        DisposeRows();
        RowCapacity = 0;
        if (OutputCapacity == 0) return;
        Selected.Dispose();
        pool.Return(Logits);
        Logits = null!;
        OutputCapacity = 0;
    }
}

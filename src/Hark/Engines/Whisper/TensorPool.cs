using Hark.Engines.Backends;

namespace Hark.Engines.Whisper;

/// <summary>
/// Large per-session tensors an engine's sessions take turns with: a decoding session's logits rows, word timestamps'
/// alignment pass logits (tens of MB) and recorded attention. Allocating them afresh for every session costs a page fault
/// per page on first write (on the development VM, a fresh 46 MB logits buffer made tiny's alignment pass 14 ms slower,
/// 43 against 29 ms); kept here, the next session reuses them. Contents are not cleared: every user writes the rows it
/// reads. Tensors below <see cref="MinBytes"/> are not worth keeping; at most <see cref="MaxBytes"/> wait here.
/// Thread-safe: sessions of one engine run concurrently in batched and served transcription.
/// </summary>
internal sealed class TensorPool(IOpBackend backend) : IDisposable
{
    /// <summary>Smaller tensors are allocated and disposed as usual.</summary>
    public const long MinBytes = 1 << 20;

    /// <summary>The most bytes kept waiting for reuse.</summary>
    public const long MaxBytes = 256L << 20;

    private readonly List<IDeviceTensor> _free = [];
    private long _freeBytes;
    private bool _disposed;

    /// <summary>A tensor of at least <paramref name="rows"/> rows of <paramref name="columns"/> values, contents undefined.</summary>
    public IDeviceTensor Rent(int rows, int columns, TensorDType dtype = TensorDType.Float32)
    {
        lock (_free)
        {
            IDeviceTensor? best = null;
            foreach (var t in _free)
            {
                // Best fit, and never more than twice the rows asked for, so a small request does not pin a large tensor.
                if (t.Columns == columns && t.DType == dtype && t.Rows >= rows && t.Rows <= 2L * rows && (best is null || t.Rows < best.Rows)) best = t;
            }
            if (best is not null)
            {
                _free.Remove(best);
                _freeBytes -= Bytes(best);
                return best;
            }
        }
        return backend.Allocate(rows, columns, dtype);
    }

    /// <summary>Gives <paramref name="tensor"/> back for a later <see cref="Rent"/> (or disposes it).</summary>
    public void Return(IDeviceTensor? tensor)
    {
        if (tensor is null) return;
        var bytes = Bytes(tensor);
        lock (_free)
        {
            if (!_disposed && bytes >= MinBytes && bytes <= MaxBytes)
            {
                // Make room by dropping the oldest tensors.
                while (_freeBytes + bytes > MaxBytes && _free.Count > 0)
                {
                    _freeBytes -= Bytes(_free[0]);
                    _free[0].Dispose();
                    _free.RemoveAt(0);
                }
                _free.Add(tensor);
                _freeBytes += bytes;
                return;
            }
        }
        tensor.Dispose();
    }

    private static long Bytes(IDeviceTensor t) => (long)t.Rows * t.Columns * t.DType.SizeInBytes();

    public void Dispose()
    {
        lock (_free)
        {
            _disposed = true;
            foreach (var t in _free) t.Dispose();
            _free.Clear();
            _freeBytes = 0;
        }
    }
}

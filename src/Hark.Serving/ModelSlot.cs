using Hark.Transcription;

namespace Hark.Serving;

/// <summary>
/// A served model at run time: its shared scheduler, the model view that sends windows to it, and the slots that bound
/// how many requests transcribe with it at once (each has at most one window in flight, so a batch never exceeds them).
/// </summary>
internal sealed class ModelSlot : IAsyncDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly WindowBatcher _batcher;
    private int _active;

    public ModelSlot(ServedModel served, int maxBatch, ServingMetrics metrics)
    {
        Served = served;
        _slots = new SemaphoreSlim(maxBatch, maxBatch);
        _batcher = new WindowBatcher(served.Model, maxBatch, () => Volatile.Read(ref _active), metrics);
        Scheduled = served.Model.WithScheduler(_batcher);
    }

    public ServedModel Served { get; }

    /// <summary>The model whose sequential runs send their windows to the shared scheduler.</summary>
    public WhisperModel Scheduled { get; }

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _active);
        return new Lease(this);
    }

    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync().ConfigureAwait(false);
        _slots.Dispose();
    }

    private sealed class Lease(ModelSlot owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            Interlocked.Decrement(ref owner._active);
            owner._slots.Release();
        }
    }
}

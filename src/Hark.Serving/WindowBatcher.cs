using System.Threading.Channels;
using Hark.Decoding;
using Hark.Transcription;

namespace Hark.Serving;

/// <summary>
/// One model's scheduler: the windows that concurrent requests' sequential runs submit are gathered, up to
/// <c>maxBatch</c> at a time, encoded as one batch and decoded together (windows with equal options share decoder
/// sessions); each request keeps its own prompt, fallback and thresholds, so its result is the one it gets alone. A
/// window whose client went away stops the batch at the next decoder step; the others are decoded again without it.
/// </summary>
internal sealed class WindowBatcher : IWindowScheduler, IAsyncDisposable
{
    // Windows of other active runs that arrive within this delay join the batch (their runs were splitting segments).
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(2);

    private readonly WhisperModel _model;
    private readonly int _maxBatch;
    private readonly Func<int> _activeRuns;
    private readonly ServingMetrics _metrics;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <param name="model">The shared model whose engine decodes every batch.</param>
    /// <param name="maxBatch">Most windows per batch.</param>
    /// <param name="activeRuns">Requests of this model being transcribed now (how many windows may still join).</param>
    /// <param name="metrics">Receives batch sizes and cancellations.</param>
    public WindowBatcher(WhisperModel model, int maxBatch, Func<int> activeRuns, ServingMetrics metrics)
    {
        _model = model;
        _maxBatch = maxBatch;
        _activeRuns = activeRuns;
        _metrics = metrics;
        _loop = Task.Run(LoopAsync);
    }

    /// <inheritdoc />
    public Task<DecodingResult> DecodeAsync(WindowWork work, CancellationToken cancellationToken)
    {
        var item = new Item(work, new TaskCompletionSource<DecodingResult>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
        return item.Done.Task;
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Item>(_maxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            Drain(reader, batch);
            if (batch.Count < _maxBatch && batch.Count < _activeRuns())
            {
                await Task.Delay(Gather).ConfigureAwait(false);
                Drain(reader, batch);
            }
            if (batch.Count == 0) continue;
            _metrics.BatchStarted(batch.Count);
            try
            {
                Run(batch);
            }
            finally
            {
                _metrics.BatchEnded();
            }
        }
    }

    private void Drain(ChannelReader<Item> reader, List<Item> batch)
    {
        while (batch.Count < _maxBatch && reader.TryRead(out var item))
        {
            if (item.Token.IsCancellationRequested)
            {
                _metrics.Cancelled(1);
                item.Done.TrySetCanceled(item.Token);
            }
            else
            {
                batch.Add(item);
            }
        }
    }

    private void Run(List<Item> batch)
    {
        var live = batch;
        while (live.Count > 0)
        {
            using var any = CancellationTokenSource.CreateLinkedTokenSource([.. live.Select(i => i.Token)]);
            try
            {
                var results = _model.DecodeTogether([.. live.Select(i => i.Work)], any.Token);
                for (var i = 0; i < live.Count; i++) live[i].Done.TrySetResult(results[i]);
                return;
            }
            catch (OperationCanceledException) when (any.IsCancellationRequested)
            {
                var gone = live.Where(i => i.Token.IsCancellationRequested).ToList();
                _metrics.Cancelled(gone.Count);
                foreach (var i in gone) i.Done.TrySetCanceled(i.Token);
                live = [.. live.Except(gone)];
            }
            catch (Exception) when (live.Count > 1)
            {
                // One request's window failed: decode each alone so that only that request sees the error.
                foreach (var i in live) Run([i]);
                return;
            }
            catch (Exception ex)
            {
                live[0].Done.TrySetException(ex);
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed record Item(WindowWork Work, TaskCompletionSource<DecodingResult> Done, CancellationToken Token);
}

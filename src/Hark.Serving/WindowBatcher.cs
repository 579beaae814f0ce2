using System.Diagnostics;
using System.Threading.Channels;
using Hark.Decoding;
using Hark.Transcription;

namespace Hark.Serving;

/// <summary>
/// One model's scheduler: the windows that concurrent requests' sequential runs submit are gathered, up to
/// <c>maxBatch</c> at a time, encoded as one batch and decoded together (windows with equal options and prompts of one
/// length share a decoder session, and a backlog is batched by that key); each request keeps its own prompt, fallback
/// and thresholds, so its result is the one it gets alone. A window whose client went away stops the batch at the next
/// decoder step; the others are decoded again without it.
/// </summary>
internal sealed class WindowBatcher : IWindowScheduler, IAsyncDisposable
{
    // A batch runs to its end, so a window that misses it waits a whole batch. Before starting one that is not full, wait
    // for the active runs' next windows (their runs are splitting segments: a few ms) and new requests' first ones
    // (upload, audio decoding, log-mel: tens of ms), up to a twentieth of the last batch's time: at most 5 % of latency
    // spent to fill slots that would otherwise run empty for the whole batch.
    private static readonly TimeSpan MinGather = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan MaxGather = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(2);
    private TimeSpan _lastBatch;

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
        var item = new Item(work, _model.ShareKey(work), new TaskCompletionSource<DecodingResult>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
        return item.Done.Task;
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var waiting = new List<Item>();
        while (waiting.Count > 0 || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Drain(reader, waiting);
            var gather = Stopwatch.StartNew();
            var limit = TimeSpan.FromTicks(Math.Clamp(_lastBatch.Ticks / 20, MinGather.Ticks, MaxGather.Ticks));
            while (waiting.Count > 0 && waiting.Count < _maxBatch && waiting.Count < _activeRuns() && gather.Elapsed < limit)
            {
                await Task.Delay(Poll).ConfigureAwait(false);
                Drain(reader, waiting);
            }
            var batch = TakeBatch(waiting, _maxBatch, i => i.Key);
            if (batch.Count == 0) continue;
            _metrics.BatchStarted(batch.Count);
            var clock = Stopwatch.StartNew();
            try
            {
                Run(batch);
            }
            finally
            {
                _lastBatch = clock.Elapsed;
                _metrics.BatchEnded();
            }
        }
    }

    /// <summary>Moves every queued window into <paramref name="waiting"/>, answering those whose client went away.</summary>
    private void Drain(ChannelReader<Item> reader, List<Item> waiting)
    {
        while (reader.TryRead(out var item)) waiting.Add(item);
        foreach (var gone in waiting.Where(i => i.Token.IsCancellationRequested).ToList())
        {
            _metrics.Cancelled(1);
            gone.Done.TrySetCanceled(gone.Token);
            waiting.Remove(gone);
        }
    }

    /// <summary>
    /// The next batch, taken out of <paramref name="waiting"/> (oldest first): everything when it fits; otherwise whole
    /// groups of items with equal keys (windows that can share one decoder session, <see cref="WindowShareKey"/>) in the
    /// order of each group's oldest item, so that the oldest always goes and a backlog runs as few sessions per batch as
    /// it can.
    /// </summary>
    internal static List<T> TakeBatch<T>(List<T> waiting, int maxBatch, Func<T, object> key)
    {
        if (waiting.Count <= maxBatch)
        {
            var all = waiting.ToList();
            waiting.Clear();
            return all;
        }
        var batch = new List<T>(maxBatch);
        var taken = new bool[waiting.Count];
        for (var leader = 0; leader < waiting.Count && batch.Count < maxBatch; leader++)
        {
            if (taken[leader]) continue;
            var group = key(waiting[leader]);
            for (var i = leader; i < waiting.Count && batch.Count < maxBatch; i++)
            {
                if (taken[i] || (i != leader && !group.Equals(key(waiting[i])))) continue;
                taken[i] = true;
                batch.Add(waiting[i]);
            }
        }
        var left = waiting.Where((_, i) => !taken[i]).ToList();
        waiting.Clear();
        waiting.AddRange(left);
        return batch;
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

    private sealed record Item(WindowWork Work, WindowShareKey Key, TaskCompletionSource<DecodingResult> Done, CancellationToken Token);
}

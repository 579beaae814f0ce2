namespace Hark.Conversion;

/// <summary>
/// Runs per-tensor transforms in parallel and hands the results to a single writer in input order. A byte budget
/// bounds the working memory of the transforms in flight, so peak memory stays near the largest tensor's cost
/// whatever the model size: an item costlier than the budget runs alone.
/// </summary>
internal static class TensorPipeline
{
    /// <summary>Transforms every item (in parallel, at most <paramref name="threads"/> at once and
    /// <paramref name="budgetBytes"/> of declared cost in flight) and writes the results strictly in order.</summary>
    public static async Task RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        Func<TItem, long> cost,
        Func<TItem, CancellationToken, TResult> transform,
        Action<TItem, TResult> write,
        int threads,
        long budgetBytes,
        CancellationToken cancellationToken)
    {
        threads = threads <= 0 ? Environment.ProcessorCount : threads;
        var pending = new Queue<(TItem Item, long Cost, Task<TResult> Task)>();
        long inFlight = 0;
        try
        {
            foreach (var item in items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var c = cost(item);
                // Drain in order until this item fits: the head always completes, so this never deadlocks.
                while (pending.Count > 0 && (pending.Count >= threads || inFlight + c > budgetBytes || pending.Peek().Task.IsCompleted))
                {
                    var head = pending.Dequeue();
                    var result = await head.Task.ConfigureAwait(false);
                    inFlight -= head.Cost;
                    write(head.Item, result);
                }
                inFlight += c;
                var captured = item;
                pending.Enqueue((item, c, Task.Run(() => transform(captured, cancellationToken), cancellationToken)));
            }
            while (pending.Count > 0)
            {
                var head = pending.Dequeue();
                var result = await head.Task.ConfigureAwait(false);
                write(head.Item, result);
            }
        }
        catch
        {
            // Let transforms still running finish before the caller deletes their output.
            foreach (var p in pending)
            {
                try { await p.Task.ConfigureAwait(false); } catch (Exception) { }
            }
            throw;
        }
    }
}

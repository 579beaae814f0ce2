namespace Hark.Serving;

/// <summary>
/// Bounds the requests the server holds at once, checked before a body is read: those transcribing (every model's
/// slots) plus at most <c>maxQueue</c> waiting. Beyond that a request is answered 429 with <c>Retry-After</c>.
/// </summary>
internal sealed class Admission(int capacity, ServingMetrics metrics)
{
    private int _held;

    /// <summary>Requests held now.</summary>
    public int Held => Volatile.Read(ref _held);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _held) <= capacity)
        {
            metrics.Queued(1);
            return true;
        }
        Interlocked.Decrement(ref _held);
        return false;
    }

    /// <summary>The request left the queue for a slot (it no longer counts in the queue depth).</summary>
    public void Started() => metrics.Queued(-1);

    /// <summary>The request is done; <paramref name="started"/> says whether <see cref="Started"/> was called.</summary>
    public void Leave(bool started)
    {
        if (!started) metrics.Queued(-1);
        Interlocked.Decrement(ref _held);
    }
}

namespace Hark.Engines;

/// <summary>
/// Large arrays that per-window work takes and gives back (word alignment handles tens of MB per window: logits of every
/// text token, the alignment heads' attention, the cost matrix), kept committed from one window to the next.
/// </summary>
/// <remarks>
/// Why not <see cref="System.Buffers.ArrayPool{T}.Shared"/>: it keeps a returned array in the returning thread's own slot,
/// where the next window, on another thread-pool thread, does not look, so every window got fresh memory; and a fresh
/// large array costs one page fault per 4 KiB page when first written (≈ 25 000 per alignment pass, 20–100 ms on a VM).
/// Arrays here are uninitialised: a caller writes what it reads. At most <see cref="MaxRetainedBytes"/> are kept.
/// </remarks>
internal static class ScratchArrays<T> where T : unmanaged
{
    /// <summary>Upper bound on what the pool keeps between uses.</summary>
    public const long MaxRetainedBytes = 512L << 20;

    private static readonly List<T[]> Free = [];
    private static long _retainedBytes;

    /// <summary>An array of at least <paramref name="length"/> elements, with unspecified contents.</summary>
    public static T[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        lock (Free)
        {
            // Best fit, but not an array more than twice too large: that one stays for the work it was made for.
            var best = -1;
            for (var i = 0; i < Free.Count; i++)
            {
                var candidate = Free[i].Length;
                if (candidate >= length && candidate <= 2L * length + 4096 && (best < 0 || candidate < Free[best].Length)) best = i;
            }
            if (best >= 0)
            {
                var array = Free[best];
                Free.RemoveAt(best);
                _retainedBytes -= Bytes(array);
                return array;
            }
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Gives <paramref name="array"/> back; it must not be used afterwards.</summary>
    public static void Return(T[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (Bytes(array) > MaxRetainedBytes) return;
        lock (Free)
        {
            Free.Add(array);
            _retainedBytes += Bytes(array);
            // Over the bound: the oldest go first (the sizes in use now were returned last).
            while (_retainedBytes > MaxRetainedBytes)
            {
                _retainedBytes -= Bytes(Free[0]);
                Free.RemoveAt(0);
            }
        }
    }

    private static unsafe long Bytes(T[] array) => (long)array.Length * sizeof(T);
}

namespace Hark.Conversion;

/// <summary>
/// A per-conversion pool of exact-length arrays. Whisper's tensors come in a handful of sizes, so reuse is high;
/// arrays above <see cref="MaxPooledBytes"/> (the token embedding) are never kept, and the whole pool goes away with
/// the conversion, so nothing outlives it (unlike the process-wide <see cref="System.Buffers.ArrayPool{T}.Shared"/>,
/// which would keep hundreds of megabytes resident after a large model).
/// </summary>
internal sealed class BufferPool<T>
{
    /// <summary>Arrays larger than this are allocated per use and left to the GC.</summary>
    public const long MaxPooledBytes = 64L << 20;

    private readonly Dictionary<int, Stack<T[]>> _free = [];
    private readonly int _elementSize = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    /// <summary>An array of exactly <paramref name="length"/> elements (contents undefined).</summary>
    public T[] Rent(int length)
    {
        lock (_free)
        {
            if (_free.TryGetValue(length, out var stack) && stack.Count > 0) return stack.Pop();
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Gives an array back for reuse.</summary>
    public void Return(T[] array)
    {
        if ((long)array.Length * _elementSize > MaxPooledBytes) return;
        lock (_free)
        {
            if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new Stack<T[]>();
            stack.Push(array);
        }
    }
}

using System.Runtime.InteropServices;

namespace Hark.Engines.Cpu;

/// <summary>
/// 64-byte aligned, zero-filled native memory with a 64-byte tail so vector loads of the last elements stay inside.
/// Native (not GC) memory: tensors are large and long-lived, and freeing returns the pages to the OS at once.
/// Zeroing comes from calloc, which hands out fresh untouched pages for large blocks: a KV cache preallocated
/// for the whole context costs resident memory only for the positions actually written.
/// </summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    private const int Alignment = 64;
    private void* _base;
    private byte* _aligned;

    public NativeBuffer(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ByteSize = bytes;
        _base = NativeMemory.AllocZeroed((nuint)(bytes + 2 * Alignment));
        _aligned = (byte*)(((nuint)_base + Alignment - 1) & ~(nuint)(Alignment - 1));
    }

    public long ByteSize { get; }

    public byte* Pointer => _aligned != null ? _aligned : throw new ObjectDisposedException(nameof(NativeBuffer));

    public void Dispose()
    {
        if (_base == null) return;
        NativeMemory.Free(_base);
        _base = null;
        _aligned = null;
    }
}

using System.Runtime.InteropServices;

namespace Hark.Engines.Cpu;

/// <summary>
/// 64-byte aligned native memory, zero-filled, with a 64-byte tail so vector loads of the last elements stay inside.
/// Native (not GC) memory: tensors are large and long-lived, and freeing returns the pages to the OS at once.
/// </summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    private void* _pointer;

    public NativeBuffer(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ByteSize = bytes;
        _pointer = NativeMemory.AlignedAlloc((nuint)(bytes + 64), 64);
        NativeMemory.Clear(_pointer, (nuint)(bytes + 64));
    }

    public long ByteSize { get; }

    public byte* Pointer => _pointer != null ? (byte*)_pointer : throw new ObjectDisposedException(nameof(NativeBuffer));

    public void Dispose()
    {
        if (_pointer == null) return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }
}

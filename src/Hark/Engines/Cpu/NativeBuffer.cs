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
        if (bytes >= HugePageThreshold && OperatingSystem.IsLinux() && !_adviceUnavailable) AdviseHugePages(_base, bytes + 2 * Alignment);
    }

    private static bool _adviceUnavailable;
    private const long HugePage = 2 << 20;
    private const long HugePageThreshold = 2 * HugePage;

    /// <summary>
    /// Large tensors (weights, cross-attention K/V) are streamed end to end at every decoder step: with 4 KiB pages
    /// each step walks tens of thousands of pages the TLB cannot hold. Transparent huge pages where the system
    /// grants them on request (<c>madvise</c> mode, the common default); a refusal changes nothing but speed.
    /// </summary>
    private static void AdviseHugePages(void* start, long bytes)
    {
        var first = ((long)start + HugePage - 1) & ~(HugePage - 1);
        var last = ((long)start + bytes) & ~(HugePage - 1);
        if (last <= first) return;
        try
        {
            _ = madvise((void*)first, (nuint)(last - first), 14 /* MADV_HUGEPAGE */);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _adviceUnavailable = true; // a C library without madvise under this name: 4 KiB pages, as before
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int madvise(void* address, nuint length, int advice);

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

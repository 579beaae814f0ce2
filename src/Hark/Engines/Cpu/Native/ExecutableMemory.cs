using System.Runtime.InteropServices;

namespace Hark.Engines.Cpu.Native;

/// <summary>
/// Pages that hold machine code: mapped writable, filled, then switched to read + execute (never both writable and
/// executable). They live as long as the process.
/// </summary>
internal static unsafe partial class ExecutableMemory
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    /// <summary>
    /// Maps a copy of <paramref name="code"/> and makes it executable; null with the reason in
    /// <paramref name="refused"/> where the system does not allow it (e.g. a policy forbidding executable mappings).
    /// </summary>
    public static byte* Map(ReadOnlySpan<byte> code, out string? refused)
    {
        refused = null;
        var bytes = code.Length;
        try
        {
            var page = mmap(null, (nuint)bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (page == (void*)-1)
            {
                refused = $"mmap refused memory for native kernels (errno {Marshal.GetLastPInvokeError()})";
                return null;
            }
            code.CopyTo(new Span<byte>(page, bytes));
            if (mprotect(page, (nuint)bytes, ProtRead | ProtExec) != 0)
            {
                refused = $"the system refused to make native kernels executable (errno {Marshal.GetLastPInvokeError()})";
                _ = munmap(page, (nuint)bytes);
                return null;
            }
            return (byte*)page;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            refused = "no C library with mmap/mprotect";
            return null;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(void* address, nuint length, int protection);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);
}

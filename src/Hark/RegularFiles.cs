using System.Runtime.InteropServices;

namespace Hark;

/// <summary>
/// Refuses pipes, FIFOs, sockets and devices where Hark needs a file: opening a FIFO nobody writes blocks forever, and
/// reading <c>/dev/zero</c> to its end never ends. Audio from a pipe goes through <c>-</c> (standard input) instead.
/// </summary>
internal static unsafe partial class RegularFiles
{
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;
    private const int Directory = 0x4000;

    /// <summary>Throws when <paramref name="path"/> exists and is neither a regular file nor a folder (links followed).</summary>
    /// <exception cref="HarkInputException">A FIFO, socket or device.</exception>
    public static void ThrowIfSpecial(string path)
    {
        if (Kind(path) is { } kind && kind is not (Regular or Directory))
        {
            var what = kind switch { 0x1000 => "a FIFO (named pipe)", 0xC000 => "a socket", 0x2000 or 0x6000 => "a device", _ => "not a regular file" };
            throw new HarkInputException($"is {what}; expected a regular file (pipe audio through '-' instead)", path);
        }
    }

    /// <summary>The file-type bits of <c>stat(path)</c>, or null when unknown (missing path, Windows, no runtime support).</summary>
    private static int? Kind(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            // The runtime's own portable stat (System.Native): its FileStatus starts with int Flags, int Mode on every
            // Unix, so the mode is read at offset 4 of a buffer larger than the structure.
            var buffer = stackalloc byte[512];
            return Stat(path, buffer) == 0 ? *(int*)(buffer + 4) & TypeMask : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, byte* output);
}

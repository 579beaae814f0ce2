using Hark.Engines.Cpu;

namespace Hark.Tests.Engines;

/// <summary>Large native tensors ask Linux for transparent huge pages: a decoder step streams every window's K/V, and 4 KiB
/// pages would make each step walk tens of thousands of them.</summary>
public sealed unsafe class NativeBufferTests
{
    /// <summary>Runs where the kernel grants huge pages on request and says why it is skipped elsewhere.</summary>
    public sealed class HugePageFactAttribute : FactAttribute
    {
        /// <summary>Skips unless transparent huge pages are in <c>always</c> or <c>madvise</c> mode.</summary>
        public HugePageFactAttribute()
        {
            const string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
            if (!OperatingSystem.IsLinux() || !File.Exists(setting) || File.ReadAllText(setting).Contains("[never]", StringComparison.Ordinal))
                Skip = "transparent huge pages are not available on this system";
        }
    }

    [HugePageFact]
    public void A_large_buffer_is_backed_by_huge_pages_once_touched()
    {
        var before = AnonHugePagesKb();
        using var buffer = new NativeBuffer(64L << 20);
        for (long i = 0; i < buffer.ByteSize; i += 4096) buffer.Pointer[i] = 1;
        Assert.True(AnonHugePagesKb() - before >= 16 << 10, "expected at least 16 MiB of the 64 MiB buffer on huge pages");
    }

    private static long AnonHugePagesKb()
    {
        var line = File.ReadLines("/proc/self/smaps_rollup").First(l => l.StartsWith("AnonHugePages:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

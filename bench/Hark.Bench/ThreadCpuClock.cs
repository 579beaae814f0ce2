using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Hark.Bench;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), in milliseconds. On a machine shared with
/// other work, a single-threaded run's CPU time leaves out the time the scheduler gave to others, which wall time
/// cannot; it still includes their cache pressure. Elsewhere it falls back to wall time.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Milliseconds of this thread's CPU time (or wall time where the clock is missing).</summary>
    public static double NowMs()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTime, out var t) == 0) return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
        return Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
    }
}

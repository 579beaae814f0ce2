namespace Hark.Benchmarking;

/// <summary>
/// Resident memory of this process (Linux <c>/proc/self/status</c>); other systems fall back to the working set
/// that .NET reports. The peak can be reset between measurements on Linux, so one process can measure several runs.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Current resident set size in bytes.</summary>
    public static long CurrentBytes => ReadStatus("VmRSS:") ?? Environment.WorkingSet;

    /// <summary>Peak resident set size in bytes since start or the last <see cref="ResetPeak"/>.</summary>
    public static long PeakBytes
    {
        get
        {
            var hwm = ReadStatus("VmHWM:");
            if (hwm is not null) return hwm.Value;
            using var p = System.Diagnostics.Process.GetCurrentProcess();
            return p.PeakWorkingSet64;
        }
    }

    /// <summary>Resets the peak to the current RSS (writes 5 to <c>/proc/self/clear_refs</c>); false where unsupported.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static long? ReadStatus(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
                var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return null;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Hark.Hardware;

/// <summary>
/// Finds NVIDIA GPUs from the proprietary driver's <c>/proc/driver/nvidia/gpus/BUS/information</c>; memory comes from
/// <c>nvidia-smi</c> output (run on the host only, or injected by tests).
/// </summary>
internal static class NvidiaGpuProbe
{
    private const string Gpus = "/proc/driver/nvidia/gpus";

    public static IReadOnlyList<NvidiaGpuInfo> Read(IFileSystemView fs, string? smiOutput)
    {
        var smi = ParseSmi(smiOutput);
        var gpus = new List<NvidiaGpuInfo>();
        foreach (var bus in fs.List(Gpus))
        {
            var info = fs.ReadText($"{Gpus}/{bus}/information");
            if (info is null) continue;
            var model = info.Split('\n')
                .Select(l => l.Split(':', 2))
                .Where(p => p.Length == 2 && p[0].Trim() == "Model")
                .Select(p => p[1].Trim())
                .FirstOrDefault() ?? "NVIDIA GPU";
            var index = gpus.Count;
            var row = index < smi.Count ? smi[index] : default;
            gpus.Add(new NvidiaGpuInfo(index, model, bus, row.Total, row.Used));
        }
        // nvidia-smi sees GPUs even where /proc/driver/nvidia is hidden (containers).
        for (var i = gpus.Count; i < smi.Count; i++) gpus.Add(new NvidiaGpuInfo(i, smi[i].Name ?? "NVIDIA GPU", null, smi[i].Total, smi[i].Used));
        return gpus;
    }

    /// <summary>The driver version from <c>/proc/driver/nvidia/version</c>.</summary>
    public static string? DriverVersion(IFileSystemView fs)
    {
        var text = fs.ReadText("/proc/driver/nvidia/version");
        if (text is null) return null;
        var line = text.Split('\n')[0];
        var marker = line.IndexOf("Kernel Module", StringComparison.Ordinal);
        if (marker < 0) return line.Trim();
        var rest = line[(marker + "Kernel Module".Length)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 …"; open modules add a word first.
        return rest.FirstOrDefault(w => w.Length > 0 && char.IsDigit(w[0]));
    }

    /// <summary>Runs <c>nvidia-smi</c> with a short timeout; null when absent or failing.</summary>
    public static string? RunSmi()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name,memory.total,memory.used --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(2000)) { p.Kill(); return null; }
            return p.ExitCode == 0 ? output.Result : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>Parses <c>name, total MiB, used MiB</c> lines.</summary>
    internal static List<(string? Name, long? Total, long? Used)> ParseSmi(string? text)
    {
        var rows = new List<(string?, long?, long?)>();
        if (text is null) return rows;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(',', StringSplitOptions.TrimEntries);
            if (f.Length < 3) continue;
            rows.Add((f[0], MiB(f[1]), MiB(f[2])));
        }
        return rows;
    }

    private static long? MiB(string s) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v * 1024 * 1024 : null;
}

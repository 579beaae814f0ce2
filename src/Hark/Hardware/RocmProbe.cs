using System.Text.RegularExpressions;

namespace Hark.Hardware;

/// <summary>Finds the ROCm installation: <c>ROCM_PATH</c>, else <c>/opt/rocm</c>; its version and libraries.</summary>
internal static partial class RocmProbe
{
    public static RocmInstall? Read(IFileSystemView fs, IReadOnlyDictionary<string, string> env)
    {
        var root = env.TryGetValue("ROCM_PATH", out var p) && !string.IsNullOrWhiteSpace(p) ? p.TrimEnd('/') : "/opt/rocm";
        if (!fs.DirectoryExists(root)) return null;

        var versionText = fs.ReadText($"{root}/.info/version")?.Trim();
        Version? version = null;
        if (versionText is not null)
        {
            var m = VersionPattern().Match(versionText);
            if (m.Success) version = Version.Parse(m.Value);
        }

        var libs = fs.List($"{root}/lib");
        var hip = libs.Any(n => n.StartsWith("libamdhip64.so", StringComparison.Ordinal));
        var migraphx = libs.Any(n => n.StartsWith("libmigraphx", StringComparison.Ordinal) && n.Contains(".so", StringComparison.Ordinal));
        // rocBLAS names each kernel file after its target (TensileLibrary_..._gfx1101.co, Kernels.so-000-gfx1030.hsaco).
        var targets = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in fs.List($"{root}/lib/rocblas/library"))
            foreach (Match m in TargetPattern().Matches(file))
                targets.Add(m.Value);
        return new RocmInstall(root, version, versionText, hip, migraphx, targets.ToList());
    }

    [GeneratedRegex(@"^\d+\.\d+(\.\d+)?")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"gfx[0-9]{2,4}[0-9a-f]?(?![0-9a-z])")]
    private static partial Regex TargetPattern();
}

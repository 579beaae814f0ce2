namespace Hark.Conversion;

/// <summary>
/// Refuses an output that would replace an input of the same run: the model folder itself, a folder holding it, a file
/// inside it, or a file its symbolic links point at (hub snapshots link to blobs). <c>--force</c> never overrides this,
/// since the conversion would destroy what it is reading.
/// </summary>
internal static class InputOverlap
{
    private const int MaxLinkDepth = 40;

    /// <summary>Throws when writing <paramref name="output"/> could replace or delete anything in <paramref name="inputFolder"/>.</summary>
    /// <exception cref="HarkInputException">The output is, holds, or lies inside the input model.</exception>
    public static void ThrowIfReplacesInput(string output, string? inputFolder)
    {
        if (string.IsNullOrEmpty(inputFolder) || !Directory.Exists(inputFolder)) return;
        var o = RealPath(output);
        var i = RealPath(inputFolder);
        var outputExists = File.Exists(o) || Directory.Exists(o);
        if (Same(o, i) || IsUnder(i, o) || (outputExists && IsUnder(o, i)))
            throw Refusal(o, i);
        foreach (var file in Directory.EnumerateFileSystemEntries(inputFolder))
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is null) continue;
            var target = RealPath(file);
            if (Same(o, target) || IsUnder(target, o)) throw Refusal(o, target);
        }
    }

    private static HarkInputException Refusal(string output, string input) =>
        new($"would replace the input model {input} of this run (--force never replaces an input); choose another output", output, "--output");

    /// <summary>The absolute path with every symbolic link along it resolved (missing tail components kept as given).</summary>
    internal static string RealPath(string path, int depth = 0)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (depth < MaxLinkDepth && info.LinkTarget is not null)
            {
                try
                {
                    var target = info.ResolveLinkTarget(returnFinalTarget: true);
                    if (target is not null) next = RealPath(target.FullName, depth + 1);
                }
                catch (IOException)
                {
                    // A link loop or a dangling link: keep the lexical path.
                }
            }
            current = next;
        }
        return current;
    }

    private static StringComparison Comparison =>
        OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    private static bool Same(string a, string b) => string.Equals(a, b, Comparison);

    /// <summary>Whether <paramref name="path"/> lies strictly inside <paramref name="folder"/>.</summary>
    private static bool IsUnder(string path, string folder)
    {
        var prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, Comparison);
    }
}

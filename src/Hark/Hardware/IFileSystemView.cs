namespace Hark.Hardware;

/// <summary>
/// Read-only view of the files hardware detection looks at (<c>/sys</c>, <c>/proc</c>, <c>/opt/rocm</c>, <c>/dev</c>, …).
/// Paths are absolute Linux-style paths; an implementation may map them elsewhere (see <see cref="SysfsRoot"/>), which is
/// how tests and support tickets replay another machine.
/// </summary>
public interface IFileSystemView
{
    /// <summary>True when the view is the machine's own root, so probes that run programs or load libraries may do so.</summary>
    bool IsHostRoot { get; }

    /// <summary>The whole text of a file, or null when it is missing or unreadable.</summary>
    string? ReadText(string path);

    /// <summary>True when <paramref name="path"/> is a file (or a device node).</summary>
    bool FileExists(string path);

    /// <summary>True when <paramref name="path"/> is a directory.</summary>
    bool DirectoryExists(string path);

    /// <summary>Names (not paths) of the entries of a directory, sorted ordinally; empty when it is missing.</summary>
    IReadOnlyList<string> List(string path);
}

/// <summary>
/// A <see cref="IFileSystemView"/> that resolves every absolute path under a root folder: <c>/</c> for the machine
/// itself, or the folder given to <c>hark doctor --sysfs-root DIR</c>.
/// </summary>
public sealed class SysfsRoot : IFileSystemView
{
    /// <summary>Creates a view rooted at <paramref name="root"/> (default: the real root).</summary>
    public SysfsRoot(string? root = null)
    {
        Root = string.IsNullOrEmpty(root) ? "/" : System.IO.Path.GetFullPath(root);
        IsHostRoot = Root == "/" || (OperatingSystem.IsWindows() && root is null);
    }

    /// <summary>The machine's own files.</summary>
    public static SysfsRoot Host { get; } = new();

    /// <summary>The folder absolute paths are resolved under.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public bool IsHostRoot { get; }

    /// <summary>Where <paramref name="path"/> lives on the disk of this machine.</summary>
    public string Resolve(string path) =>
        Root == "/" ? path : System.IO.Path.Combine(Root, path.TrimStart('/'));

    /// <inheritdoc />
    public string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(Resolve(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public bool FileExists(string path)
    {
        var p = Resolve(path);
        // Device nodes such as /dev/kfd are not regular files but do exist.
        return File.Exists(p) || (!Directory.Exists(p) && Path.Exists(p));
    }

    /// <inheritdoc />
    public bool DirectoryExists(string path) => Directory.Exists(Resolve(path));

    /// <inheritdoc />
    public IReadOnlyList<string> List(string path)
    {
        try
        {
            var names = Directory.EnumerateFileSystemEntries(Resolve(path)).Select(System.IO.Path.GetFileName).OfType<string>().ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return [];
        }
    }
}

namespace Hark.Tests;

/// <summary>Locates the shared read-only fixtures (<c>../shared/fixtures</c> beside the repository) and scratch space.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> RepoRootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Hark.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Hark.slnx not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root (folder of Hark.slnx).</summary>
    public static string RepoRoot => RepoRootLazy.Value;

    /// <summary>The fixtures folder: <c>HARK_FIXTURES</c>, else <c>../shared/fixtures</c> beside the repository.</summary>
    public static string Root =>
        Environment.GetEnvironmentVariable("HARK_FIXTURES") is { Length: > 0 } env
            ? env
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared", "fixtures"));

    /// <summary>A fixture file by relative path, e.g. <c>Path("audio/jfk.wav")</c>.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>A fresh empty temp folder, removed by the returned handle.</summary>
    public static TempDir TempDir() => new();
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        FullName = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hark-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(FullName);
    }

    public string FullName { get; }

    public string File(string name) => System.IO.Path.Combine(FullName, name);

    public void Dispose()
    {
        try { Directory.Delete(FullName, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

namespace Hark.IO;

/// <summary>
/// Writes a file or a folder under a temporary sibling name and moves it into place only when complete, so a failed
/// or cancelled conversion never leaves a half-written model where a loader would pick it up. The one way Hark
/// writes outputs: converters, checkpoint writers, tokenizer files, hub cache entries, bench caches.
/// </summary>
internal sealed class AtomicOutput : IDisposable
{
    private readonly bool _isFolder;
    private bool _committed;

    private AtomicOutput(string finalPath, string tempPath, bool isFolder)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
        _isFolder = isFolder;
    }

    /// <summary>Where the output lands on <see cref="Commit"/>.</summary>
    public string FinalPath { get; }

    /// <summary>Where the output is written meanwhile (same folder as <see cref="FinalPath"/>, so the move is a rename).</summary>
    public string TempPath { get; }

    /// <summary>Prepares a file output.</summary>
    /// <exception cref="HarkInputException">The output exists and <paramref name="force"/> is false, or it cannot be written.</exception>
    public static AtomicOutput ForFile(string path, bool force) => Create(path, force, isFolder: false);

    /// <summary>Prepares a folder output (the temporary folder is created).</summary>
    /// <exception cref="HarkInputException">The output exists and <paramref name="force"/> is false, or it cannot be written.</exception>
    public static AtomicOutput ForFolder(string path, bool force) => Create(path, force, isFolder: true);

    private static AtomicOutput Create(string path, bool force, bool isFolder)
    {
        var full = Path.GetFullPath(path);
        if ((File.Exists(full) || Directory.Exists(full)) && !force)
            throw new HarkInputException("output already exists; pass --force to replace it", full, "--output");
        var parent = Path.GetDirectoryName(full) ?? throw new HarkInputException("output has no parent folder", full, "--output");
        var temp = Path.Combine(parent, "." + Path.GetFileName(full) + ".hark-tmp-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(parent);
            if (isFolder) Directory.CreateDirectory(temp);
            else new FileStream(temp, FileMode.CreateNew, FileAccess.Write).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new HarkInputException($"output cannot be written: {e.Message}", full, "--output", e);
        }
        return new AtomicOutput(full, temp, isFolder);
    }

    /// <summary>A path inside the temporary folder (folder outputs).</summary>
    public string PathInside(string name) => Path.Combine(TempPath, name);

    /// <summary>Moves the finished output into place, replacing an old one (only reachable with force).</summary>
    public void Commit()
    {
        try
        {
            if (_isFolder)
            {
                if (File.Exists(FinalPath)) File.Delete(FinalPath);
                // An old folder moves aside first, so the target is never half old, half new.
                var old = Directory.Exists(FinalPath) ? TempPath + ".old" : null;
                if (old is not null) Directory.Move(FinalPath, old);
                Directory.Move(TempPath, FinalPath);
                if (old is not null) TryDelete(old);
            }
            else
            {
                if (Directory.Exists(FinalPath)) Directory.Delete(FinalPath, recursive: true);
                File.Move(TempPath, FinalPath, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarkException($"{FinalPath}: cannot move the finished output into place: {e.Message}", e);
        }
        _committed = true;
    }

    /// <summary>
    /// Has <paramref name="produce"/> create a temporary sibling of <paramref name="path"/> (a file, a link), then renames
    /// it into place, replacing what is there.
    /// </summary>
    public static void Place(string path, Action<string> produce)
    {
        ArgumentNullException.ThrowIfNull(produce);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, "." + Path.GetFileName(full) + ".hark-tmp-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            produce(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Runs <paramref name="write"/> on a stream for a temporary sibling of <paramref name="path"/>, then renames it into place.</summary>
    public static void WriteFile(string path, Action<FileStream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Place(path, temp =>
        {
            // Disposing flushes; the writer may already have closed the stream (a StreamWriter that owns it).
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
            write(stream);
        });
    }

    /// <summary>Writes text atomically (UTF-8, no byte-order mark).</summary>
    public static void WriteText(string path, string text) => WriteFile(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Removes the temporary output unless it was committed.</summary>
    public void Dispose()
    {
        if (!_committed) TryDelete(TempPath);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

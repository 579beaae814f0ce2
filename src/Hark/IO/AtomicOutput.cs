namespace Hark.IO;

/// <summary>
/// Writes a file or a folder under a temporary sibling name and moves it into place only when complete, so a failed
/// or cancelled conversion never leaves a half-written model where a loader would pick it up. One writer per output at
/// a time: a lock file beside the output makes a second concurrent run fail at once, and without <c>force</c> the final
/// move never replaces what appeared at the output meanwhile. Temporary names carry the writer's process id, so those a
/// killed run left behind are removed by the next run to the same output. The one way Hark
/// writes outputs: converters, checkpoint writers, tokenizer files, hub cache entries, bench caches.
/// </summary>
internal sealed class AtomicOutput : IDisposable
{
    private const string TempMarker = ".hark-tmp-";
    private const string OldMarker = ".hark-old-";

    private readonly bool _isFolder;
    private readonly bool _force;
    private readonly OutputLock _lock;
    private bool _committed;

    private AtomicOutput(string finalPath, string tempPath, bool isFolder, bool force, OutputLock outputLock)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
        _isFolder = isFolder;
        _force = force;
        _lock = outputLock;
    }

    /// <summary>Where the output lands on <see cref="Commit"/>.</summary>
    public string FinalPath { get; }

    /// <summary>Where the output is written meanwhile (same folder as <see cref="FinalPath"/>, so the move is a rename).</summary>
    public string TempPath { get; }

    /// <summary>Prepares a file output.</summary>
    /// <exception cref="HarkInputException">The output exists and <paramref name="force"/> is false, or it cannot be written.</exception>
    /// <exception cref="HarkException">Another run is writing the same output.</exception>
    public static AtomicOutput ForFile(string path, bool force) => Create(path, force, isFolder: false);

    /// <summary>Prepares a folder output (the temporary folder is created).</summary>
    /// <exception cref="HarkInputException">The output exists and <paramref name="force"/> is false, or it cannot be written.</exception>
    /// <exception cref="HarkException">Another run is writing the same output.</exception>
    public static AtomicOutput ForFolder(string path, bool force) => Create(path, force, isFolder: true);

    /// <summary>The temporary name prefix of outputs named <paramref name="finalName"/> (any writer, any run).</summary>
    internal static string TempPrefix(string finalName) => "." + finalName + TempMarker;

    /// <summary>A fresh temporary sibling of <paramref name="fullPath"/>, named with this process's id.</summary>
    internal static string TempSibling(string fullPath) => Path.Combine(Path.GetDirectoryName(fullPath)!,
        TempPrefix(Path.GetFileName(fullPath)) + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// Deletes the temporaries of <paramref name="fullPath"/> whose writing process is gone. Safe without the output lock
    /// (several processes may write one cache entry at once): a live writer's file is never touched, however old.
    /// </summary>
    internal static void RemoveOrphans(string fullPath) =>
        RemoveStale(Path.GetDirectoryName(fullPath)!, Path.GetFileName(fullPath), orOlderThanAnHour: false);

    private static AtomicOutput Create(string path, bool force, bool isFolder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if ((File.Exists(full) || Directory.Exists(full)) && !force)
            throw new HarkInputException("output already exists; pass --force to replace it", full, "--output");
        var parent = Path.GetDirectoryName(full) ?? throw new HarkInputException("output has no parent folder", full, "--output");
        var name = Path.GetFileName(full);
        var temp = TempSibling(full);
        OutputLock? held = null;
        try
        {
            Directory.CreateDirectory(parent);
            held = OutputLock.Acquire(parent, name, full);
            RemoveStale(parent, name);
            if (isFolder) Directory.CreateDirectory(temp);
            else new FileStream(temp, FileMode.CreateNew, FileAccess.Write).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            held?.Dispose();
            throw new HarkInputException($"output cannot be written: {e.Message}", full, "--output", e);
        }
        catch
        {
            held?.Dispose();
            throw;
        }
        return new AtomicOutput(full, temp, isFolder, force, held);
    }

    /// <summary>A path inside the temporary folder (folder outputs).</summary>
    public string PathInside(string name) => Path.Combine(TempPath, name);

    /// <summary>
    /// Moves the finished output into place. With force an existing output is moved aside first and deleted only once
    /// the new one is in place; without force, an output that appeared during the run is left untouched and this throws.
    /// </summary>
    /// <exception cref="HarkInputException">Without force, something now exists at <see cref="FinalPath"/>.</exception>
    public void Commit()
    {
        var exists = File.Exists(FinalPath) || Directory.Exists(FinalPath);
        if (exists && !_force)
            throw new HarkInputException("output appeared while Hark was writing it and was left untouched; nothing was written (pass --force to replace it)", FinalPath, "--output");
        string? aside = null;
        try
        {
            if (exists && (_isFolder || Directory.Exists(FinalPath)))
            {
                aside = Path.Combine(Path.GetDirectoryName(FinalPath)!, "." + Path.GetFileName(FinalPath) + OldMarker + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
                if (Directory.Exists(FinalPath)) Directory.Move(FinalPath, aside);
                else File.Move(FinalPath, aside);
            }
            if (_isFolder) Directory.Move(TempPath, FinalPath);
            else File.Move(TempPath, FinalPath, overwrite: _force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (aside is not null && !File.Exists(FinalPath) && !Directory.Exists(FinalPath)) Restore(aside, FinalPath);
            if (!_force && (File.Exists(FinalPath) || Directory.Exists(FinalPath)))
                throw new HarkInputException("output appeared while Hark was writing it and was left untouched; nothing was written (pass --force to replace it)", FinalPath, "--output", e);
            throw new HarkException($"{FinalPath}: cannot move the finished output into place: {e.Message}", e);
        }
        _committed = true;
        if (aside is not null) TryDelete(aside);
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
        var temp = TempSibling(full);
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

    /// <summary>Removes the temporary output unless it was committed, and releases the output lock.</summary>
    public void Dispose()
    {
        if (!_committed) TryDelete(TempPath);
        _lock.Dispose();
    }

    /// <summary>
    /// Deletes temporary and set-aside outputs of this name that no live run owns: their process is gone, or they are
    /// over an hour old (the lock we hold means no current Hark run writes this output).
    /// </summary>
    private static void RemoveStale(string parent, string name, bool orOlderThanAnHour = true)
    {
        foreach (var marker in new[] { TempMarker, OldMarker })
        {
            var prefix = "." + name + marker;
            foreach (var entry in Directory.EnumerateFileSystemEntries(parent, prefix + "*"))
            {
                var rest = Path.GetFileName(entry)[prefix.Length..];
                var dash = rest.IndexOf('-');
                var ownerAlive = dash > 0 && int.TryParse(rest[..dash], out var pid) && ProcessAlive(pid);
                var old = orOlderThanAnHour && DateTime.UtcNow - File.GetLastWriteTimeUtc(entry) > TimeSpan.FromHours(1);
                if (!ownerAlive || old) TryDelete(entry);
            }
        }
    }

    private static bool ProcessAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists("/proc/" + pid);
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Restore(string aside, string finalPath)
    {
        try
        {
            if (Directory.Exists(aside)) Directory.Move(aside, finalPath);
            else File.Move(aside, finalPath);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
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

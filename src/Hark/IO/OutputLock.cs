namespace Hark.IO;

/// <summary>
/// An exclusive lock on one output path, held through a lock file beside it (<c>.NAME.hark-lock</c>). The file is
/// opened with <see cref="FileShare.None"/>, which .NET maps to an advisory <c>flock</c> on Unix: the kernel releases it
/// when the holder exits or is killed, so a stale lock file never blocks the next run.
/// </summary>
internal sealed class OutputLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    private OutputLock(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>Takes the lock on output <paramref name="name"/> in <paramref name="parent"/>.</summary>
    /// <exception cref="HarkException">Another run holds it.</exception>
    public static OutputLock Acquire(string parent, string name, string outputForMessages)
    {
        var path = Path.Combine(parent, "." + name + ".hark-lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new OutputLock(stream, path);
        }
        catch (IOException e) when (File.Exists(path) && e is not PathTooLongException)
        {
            throw new HarkException($"{outputForMessages}: --output: another run is writing this output now (lock {path}); wait for it or choose another output", e);
        }
    }

    /// <summary>Releases the lock and removes the lock file.</summary>
    public void Dispose()
    {
        try { File.Delete(_path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        _stream.Dispose();
    }
}

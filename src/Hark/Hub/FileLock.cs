namespace Hark.Hub;

/// <summary>
/// An exclusive lock on a file, held by an open handle with no sharing: an OS lock (flock on Unix) that other
/// processes, including huggingface_hub's filelock, respect. Released on dispose; the file stays, as filelock leaves it.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + timeout;
        var delay = 20;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 500);
            }
            catch (IOException ex)
            {
                throw new HarkException($"{path}: still locked after {timeout.TotalSeconds:0} s by another download; remove the file if no download is running", ex);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}

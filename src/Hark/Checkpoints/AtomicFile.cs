namespace Hark.Checkpoints;

/// <summary>Writes a file under a temporary name and renames it into place, so readers never see half a file.</summary>
internal static class AtomicFile
{
    /// <summary>Runs <paramref name="write"/> on a stream for a temporary sibling of <paramref name="path"/>, then renames.</summary>
    public static void Write(string path, Action<FileStream> write)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, "." + System.IO.Path.GetFileName(path) + ".tmp-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: false);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes text atomically (UTF-8, no byte-order mark).</summary>
    public static void WriteText(string path, string text) =>
        Write(path, s =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            s.Write(bytes);
        });

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

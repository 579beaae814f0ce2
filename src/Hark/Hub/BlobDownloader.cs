using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Hark.Hub;

/// <summary>
/// Downloads one blob into the cache: under the blob's lock, into <c>ETAG.incomplete</c>, resuming with HTTP Range,
/// verifying the content against the ETag (sha256 for LFS files, git blob sha1 otherwise), then renaming it into place.
/// A file never appears under its final name unless it is complete and verified.
/// </summary>
internal sealed class BlobDownloader(HubClient client, HubOptions options)
{
    private const int BufferSize = 1 << 16;

    /// <summary>Makes <c>blobs/ETAG</c> exist; reports bytes as they arrive.</summary>
    public async Task EnsureBlobAsync(HubCacheLayout cache, string file, HubFileMetadata meta, Action<long> progress, CancellationToken ct)
    {
        var blob = cache.BlobPath(meta.ETag);
        if (File.Exists(blob)) { progress(new FileInfo(blob).Length); return; }

        using var fileLock = await FileLock.AcquireAsync(cache.LockPath(meta.ETag), options.LockTimeout, ct).ConfigureAwait(false);
        if (File.Exists(blob)) { progress(new FileInfo(blob).Length); return; }   // another process finished it meanwhile
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        var partial = cache.IncompletePath(meta.ETag);

        var corruptions = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TransferAsync(meta, partial, progress, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && attempt < options.Attempts && !ct.IsCancellationRequested)
            {
                continue;   // keep the partial file: the next attempt resumes from its length
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw new HarkException($"{cache.FolderName}: downloading {file} failed after {attempt} attempts ({ex.Message}); run again to resume", ex);
            }

            if (await VerifyAsync(partial, meta.ETag, ct).ConfigureAwait(false))
            {
                File.Move(partial, blob, overwrite: false);
                return;
            }
            File.Delete(partial);
            if (++corruptions >= 2)
                throw new HarkException($"{cache.FolderName}: {file} arrived corrupted twice (content does not match ETag {meta.ETag}); not cached");
        }
    }

    private async Task TransferAsync(HubFileMetadata meta, string partial, Action<long> progress, CancellationToken ct)
    {
        var offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (meta.Size is { } size && offset == size) return;        // complete already; verification decides
        if (meta.Size is { } total && offset > total) { File.Delete(partial); offset = 0; }

        using var response = await client.GetAsync(meta.Location, offset, ct).ConfigureAwait(false);
        if ((int)response.StatusCode == 416) { File.Delete(partial); throw new IOException("range not satisfiable; restarting"); }
        response.EnsureSuccessStatusCode();
        var resumed = offset > 0 && response.StatusCode == System.Net.HttpStatusCode.PartialContent;
        if (!resumed) offset = 0;   // the server ignored the range: start over

        await using var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        await using var input = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            progress(offset);
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                offset += read;
                progress(offset);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (meta.Size is { } expected && offset != expected)
            throw new IOException($"transfer ended at {offset} of {expected} bytes");
    }

    /// <summary>Checks content against the ETag: 64 hex digits are a sha256 (LFS), 40 a git blob sha1; other ETags cannot be checked.</summary>
    internal static async Task<bool> VerifyAsync(string path, string etag, CancellationToken ct)
    {
        var hex = etag.ToLowerInvariant();
        if (!hex.All(Uri.IsHexDigit) || hex.Length is not (64 or 40)) return true;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        byte[] hash;
        if (hex.Length == 64)
        {
            hash = await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false);
        }
        else
        {
            // git hashes "blob <size>\0" followed by the content.
            using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            sha1.AppendData(Encoding.ASCII.GetBytes($"blob {stream.Length}\0"));
            var buffer = new byte[BufferSize];
            int read;
            while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) sha1.AppendData(buffer, 0, read);
            hash = sha1.GetHashAndReset();
        }
        return Convert.ToHexStringLower(hash) == hex;
    }
}

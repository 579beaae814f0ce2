using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Hark.Engines.Cache;

/// <summary>
/// A content fingerprint of a model folder's weight files, cheap enough to compute on every load. Size and mtime are
/// not content (a copy or a re-download changes mtime, a same-size rewrite keeps the size), so the bytes are hashed:
/// <list type="bullet">
/// <item>a file that is a hub cache blob (<c>blobs/SHA256</c>, named by the hash huggingface_hub verified) contributes
/// that name: a full content hash at no cost;</item>
/// <item>a file up to 32 MiB (config, index, small models) is hashed whole;</item>
/// <item>a larger file contributes its length, its first 1 MiB (a safetensors header names every tensor, dtype, shape
/// and offset; a pickle's names its storages), and 4 KiB sampled from every MiB after that and the last 4 KiB. Training
/// changes nearly every element of the tensors it touches, and every tensor over 1 MiB is sampled, so any fine-tune
/// changes the fingerprint; reading about 0.4 % of a file keeps a cached load of small under a few milliseconds here.
/// An edit of a few bytes between samples is not seen: <c>hark cache clear</c> (or <c>--no-cache</c>) covers it.</item>
/// </list>
/// Reads use positional reads, not a mapping, so the fingerprint adds nothing to the resident set.
/// </summary>
internal static class FolderFingerprint
{
    private const long WholeFileLimit = 32L << 20;
    private const int HeadBytes = 1 << 20;
    private const int SampleBytes = 4 << 10;
    private const long SampleStride = 1L << 20;

    /// <summary>Fingerprint of the weight files in <paramref name="folder"/> (hex SHA-256).</summary>
    /// <exception cref="HarkInputException">The folder holds no weight file or one cannot be read.</exception>
    public static string ForFolder(string folder)
    {
        var files = new DirectoryInfo(folder).EnumerateFiles()
            .Where(f => f.Name is "config.json" or "model.safetensors.index.json" or "pytorch_model.bin" || f.Name.EndsWith(".safetensors", StringComparison.Ordinal))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        if (!files.Any(f => f.Name != "config.json")) throw new HarkInputException("no weight files to fingerprint", folder);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Name + "\0"));
            try
            {
                AppendFile(hash, file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new HarkInputException($"cannot read to fingerprint: {ex.Message}", file.FullName, inner: ex);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendFile(IncrementalHash hash, FileInfo file)
    {
        var target = file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
        if (IsBlobName(target.Name) && target.Directory?.Name == "blobs")
        {
            hash.AppendData(Encoding.ASCII.GetBytes("sha256:" + target.Name));
            return;
        }
        using var handle = File.OpenHandle(target.FullName, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(number, length);
        hash.AppendData(number);
        var buffer = new byte[HeadBytes];
        if (length <= WholeFileLimit)
        {
            for (long at = 0; at < length;)
            {
                var read = RandomAccess.Read(handle, buffer, at);
                if (read == 0) break;
                hash.AppendData(buffer, 0, read);
                at += read;
            }
            return;
        }
        Append(hash, handle, buffer, 0, HeadBytes);
        for (var at = (long)HeadBytes; at < length - SampleBytes; at += SampleStride) Append(hash, handle, buffer, at, SampleBytes);
        Append(hash, handle, buffer, length - SampleBytes, SampleBytes);
    }

    private static void Append(IncrementalHash hash, Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] buffer, long offset, int count)
    {
        var filled = 0;
        while (filled < count)
        {
            var read = RandomAccess.Read(handle, buffer.AsSpan(filled, count - filled), offset + filled);
            if (read == 0) break;
            filled += read;
        }
        hash.AppendData(buffer, 0, filled);
    }

    private static bool IsBlobName(string name) => name.Length == 64 && name.All(char.IsAsciiHexDigitLower);
}

using System.Buffers;
using System.IO.Compression;
using System.Text;
using Hark.IO;

namespace Hark.Checkpoints;

/// <summary>
/// Writes a <c>pytorch_model.bin</c> that <c>torch.load</c> accepts (also with <c>weights_only=True</c>): a zip of
/// stored records <c>archive/data.pkl</c> (pickle protocol 2), <c>archive/byteorder</c>, <c>archive/data/N</c> (one
/// storage per tensor, little-endian) and <c>archive/version</c>. Streams one tensor at a time; temp file then rename.
/// </summary>
public static class PytorchBinWriter
{
    /// <summary>The file name transformers uses.</summary>
    public const string FileName = "pytorch_model.bin";

    /// <summary>Writes every tensor of <paramref name="source"/> (dtypes kept) to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">A tensor's dtype has no torch storage class.</exception>
    public static void Write(string path, ITensorSource source, CancellationToken cancellationToken = default)
    {
        var tensors = source.Tensors.Values.ToList();
        var pickle = TorchPickleWriter.Write(tensors);
        AtomicOutput.WriteFile(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Record(zip, "archive/data.pkl", pickle);
            Record(zip, "archive/byteorder", Encoding.ASCII.GetBytes("little"));
            var largest = tensors.Count == 0 ? 1 : Math.Max(1, tensors.Max(t => t.ByteCount));
            var buffer = ArrayPool<byte>.Shared.Rent(checked((int)largest));
            try
            {
                for (var i = 0; i < tensors.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var bytes = buffer.AsSpan(0, (int)tensors[i].ByteCount);
                    source.ReadBytes(tensors[i].Name, bytes);
                    var entry = zip.CreateEntry($"archive/data/{i}", CompressionLevel.NoCompression);
                    using var s = entry.Open();
                    s.Write(bytes);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            Record(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"));
        });
    }

    private static void Record(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var s = entry.Open();
        s.Write(bytes);
    }
}

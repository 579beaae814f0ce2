using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Hark.IO;

namespace Hark.Checkpoints;

/// <summary>
/// Writes safetensors files from any <see cref="ITensorSource"/>, streaming: the header (with every offset) goes
/// first, then tensors one at a time, so only the largest single tensor is ever held in memory. Files are written
/// under a temporary name and renamed into place.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Name of the shard index Hugging Face writes beside sharded weights.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>Writes <paramref name="names"/> (default: every tensor, in the source's order) to <paramref name="path"/>.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="source">Tensors to write (bytes are copied as stored; dtypes are kept).</param>
    /// <param name="names">Subset and order of tensors; null for all.</param>
    /// <param name="metadata">The <c>__metadata__</c> map; null writes <c>{"format": "pt"}</c> as transformers does.</param>
    /// <param name="cancellationToken">Checked between tensors.</param>
    public static void Write(string path, ITensorSource source, IReadOnlyList<string>? names = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var infos = (names ?? [.. source.Tensors.Keys]).Select(n => source.Tensors.TryGetValue(n, out var i)
            ? i
            : throw new ArgumentException($"tensor '{n}' is not in the source", nameof(names))).ToList();
        var header = BuildHeader(infos, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        AtomicOutput.WriteFile(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            var largest = infos.Count == 0 ? 0 : infos.Max(i => i.ByteCount);
            var buffer = ArrayPool<byte>.Shared.Rent(checked((int)Math.Max(1, largest)));
            try
            {
                foreach (var info in infos)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var bytes = buffer.AsSpan(0, (int)info.ByteCount);
                    source.ReadBytes(info.Name, bytes);
                    stream.Write(bytes);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        });
    }

    /// <summary>
    /// Writes <paramref name="shards"/> files <c>model-0000N-of-0000M.safetensors</c> of roughly equal size plus
    /// <see cref="IndexFileName"/> into <paramref name="folder"/>; returns the shard file names.
    /// </summary>
    public static IReadOnlyList<string> WriteSharded(string folder, ITensorSource source, int shards,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var infos = source.Tensors.Values.ToList();
        if (shards > Math.Max(1, infos.Count))
            throw new HarkInputException($"cannot split {infos.Count} tensors into {shards} shards", field: "shards");
        var groups = Split(infos, shards);
        var fileNames = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var s = 0; s < groups.Count; s++)
        {
            var fileName = $"model-{s + 1:D5}-of-{groups.Count:D5}.safetensors";
            Write(System.IO.Path.Combine(folder, fileName), source, [.. groups[s].Select(i => i.Name)], null, cancellationToken);
            foreach (var info in groups[s]) weightMap[info.Name] = fileName;
            fileNames.Add(fileName);
        }
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", infos.Sum(i => i.ByteCount));
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, file) in weightMap) json.WriteString(name, file);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        AtomicOutput.WriteFile(System.IO.Path.Combine(folder, IndexFileName), s => buffer.WriteTo(s));
        return fileNames;
    }

    /// <summary>Cuts the ordered tensor list into <paramref name="count"/> non-empty runs of about equal bytes.</summary>
    private static List<List<TensorInfo>> Split(List<TensorInfo> infos, int count)
    {
        var total = (double)Math.Max(1, infos.Sum(i => i.ByteCount));
        var groups = new List<List<TensorInfo>> { new() };
        long done = 0;
        for (var i = 0; i < infos.Count; i++)
        {
            var remainingTensors = infos.Count - i;
            var remainingGroups = count - groups.Count;
            var current = groups[^1];
            // Start the next shard when this one reached its share, or when every later tensor is needed to fill the rest.
            if (current.Count > 0 && remainingGroups > 0 && (done >= total * groups.Count / count || remainingTensors == remainingGroups))
                groups.Add(current = new List<TensorInfo>());
            current.Add(infos[i]);
            done += infos[i].ByteCount;
        }
        return groups;
    }

    private static byte[] BuildHeader(List<TensorInfo> infos, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var info in infos)
            {
                json.WriteStartObject(info.Name);
                json.WriteString("dtype", info.DType.ToSafetensorsName());
                json.WriteStartArray("shape");
                foreach (var d in info.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + info.ByteCount);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += info.ByteCount;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference implementation does.
        var length = (int)buffer.Length;
        var padded = (length + 7) / 8 * 8;
        for (var i = length; i < padded; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}

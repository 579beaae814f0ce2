using System.Text.Json;

namespace Hark.Checkpoints;

/// <summary>
/// Sharded safetensors weights: <c>model.safetensors.index.json</c> (its <c>weight_map</c> names the shard of every
/// tensor) plus the <c>model-0000N-of-0000M.safetensors</c> files beside it, each memory-mapped.
/// </summary>
internal sealed class ShardedSafetensorsReader : ITensorSource
{
    private readonly List<SafetensorsReader> _shards;
    private readonly Dictionary<string, SafetensorsReader> _owner;
    private readonly Dictionary<string, TensorInfo> _tensors;

    private ShardedSafetensorsReader(string indexPath, List<SafetensorsReader> shards, Dictionary<string, SafetensorsReader> owner)
    {
        IndexPath = indexPath;
        _shards = shards;
        _owner = owner;
        _tensors = owner.ToDictionary(o => o.Key, o => o.Value.Tensors[o.Key], StringComparer.Ordinal);
    }

    /// <summary>The index file.</summary>
    public string IndexPath { get; }

    /// <summary>Shard files, in index order of first appearance.</summary>
    public IReadOnlyList<string> ShardPaths => [.. _shards.Select(s => s.Path)];

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    /// <summary>Opens the index and every shard it names, checking that each listed tensor is in its shard.</summary>
    /// <exception cref="CheckpointFormatException">Malformed index, a shard missing or malformed, a tensor absent from its shard.</exception>
    public static ShardedSafetensorsReader Open(string indexPath)
    {
        var map = ReadWeightMap(indexPath);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var readers = new Dictionary<string, SafetensorsReader>(StringComparer.Ordinal);
        var shards = new List<SafetensorsReader>();
        try
        {
            var owner = new Dictionary<string, SafetensorsReader>(StringComparer.Ordinal);
            foreach (var (tensor, file) in map)
            {
                if (!readers.TryGetValue(file, out var reader))
                {
                    var shardPath = System.IO.Path.Combine(folder, file);
                    if (!File.Exists(shardPath))
                        throw new CheckpointFormatException($"shard '{file}' named for this tensor does not exist", indexPath, tensor);
                    reader = SafetensorsReader.Open(shardPath);
                    readers[file] = reader;
                    shards.Add(reader);
                }
                if (!reader.Tensors.ContainsKey(tensor))
                    throw new CheckpointFormatException($"the index places this tensor in '{file}', which does not hold it", indexPath, tensor);
                owner[tensor] = reader;
            }
            return new ShardedSafetensorsReader(indexPath, shards, owner);
        }
        catch
        {
            foreach (var r in shards) r.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void ReadBytes(string name, Span<byte> destination) => Owner(name).ReadBytes(name, destination);

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination) => Owner(name).ReadFloat32(name, destination);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var shard in _shards) shard.Dispose();
    }

    private SafetensorsReader Owner(string name) =>
        _owner.TryGetValue(name, out var reader) ? reader : throw new HarkInputException("no such tensor in the shards", IndexPath, name);

    private static List<(string Tensor, string File)> ReadWeightMap(string indexPath)
    {
        using var doc = JsonFields.ReadObject(indexPath);
        if (!doc.RootElement.TryGetProperty("weight_map", out var weightMap) || weightMap.ValueKind != JsonValueKind.Object)
            throw new CheckpointFormatException("expected an object with a 'weight_map' object", indexPath, "weight_map");
        var list = new List<(string, string)>();
        foreach (var entry in weightMap.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointFormatException($"expected a shard file name, found {entry.Value.ValueKind}", indexPath, entry.Name);
            var file = entry.Value.GetString()!;
            // Shards live beside the index; anything with a directory part could point outside the model.
            if (file.Length == 0 || file.IndexOfAny(['/', '\\']) >= 0 || file is "." or "..")
                throw new CheckpointFormatException($"shard '{file}' must be a file name beside the index", indexPath, entry.Name);
            list.Add((entry.Name, file));
        }
        if (list.Count == 0) throw new CheckpointFormatException("weight_map lists no tensors", indexPath, "weight_map");
        return list;
    }
}

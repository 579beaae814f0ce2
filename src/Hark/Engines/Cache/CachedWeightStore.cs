using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;
using Hark.Engines.Whisper;

namespace Hark.Engines.Cache;

/// <summary>
/// The CPU backend's packed weights in a <see cref="WeightCache"/>: on a hit every tensor comes from the mapped file; on a
/// miss the tensors built from the source are recorded and written as a new entry when the load completes. The entry
/// is keyed by the source fingerprint, the config, the storage precision and the packing layout.
/// </summary>
internal sealed class CachedWeightStore : IWeightStore
{
    /// <summary>What the packed bytes depend on besides the source: panel width, format version, byte order.</summary>
    public static readonly string Layout =
        $"cpu-panels{PackedWeight.PanelWidth}-v{PackedWeightsFile.Version}-{(BitConverter.IsLittleEndian ? "le" : "be")}";

    private readonly IOpBackend _backend;
    private readonly string _path;
    private readonly string _key;
    private readonly string _source;
    private readonly string _precision;
    private readonly PackedWeightsFile? _file;
    private readonly List<(string Name, bool Packed, IDeviceTensor Tensor)> _built = [];
    private int _next;

    private CachedWeightStore(IOpBackend backend, string path, string key, string source, string precision, PackedWeightsFile? file)
    {
        _backend = backend;
        _path = path;
        _key = key;
        _source = source;
        _precision = precision;
        _file = file;
    }

    /// <summary>True when the weights come from the cache.</summary>
    public bool IsHit => _file is not null;

    /// <summary>Path of the entry.</summary>
    public string Path => _path;

    /// <summary>Opens the entry for this source and precision; a missing or invalid file (or <paramref name="ignoreExisting"/>) is a miss.</summary>
    public static CachedWeightStore Open(WeightCache cache, WeightSource source, WhisperConfig config, TensorDType storage,
        TensorDType roundTo, IOpBackend backend, bool ignoreExisting = false)
    {
        var key = Key(source.Fingerprint, config, storage, roundTo);
        var path = cache.EntryPath(key);
        var precision = storage == roundTo ? storage.ToString() : $"{roundTo} (as {storage})";
        var file = ignoreExisting ? null : PackedWeightsFile.Open(path, key, Layout);
        return new CachedWeightStore(backend, path, key, source.Description, precision, file);
    }

    /// <summary>The entry key: 128 bits of SHA-256 over everything the packed bytes depend on.</summary>
    public static string Key(string fingerprint, WhisperConfig config, TensorDType storage, TensorDType roundTo)
    {
        var text = string.Join('\n', Layout, fingerprint, JsonSerializer.Serialize(config), storage, roundTo);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <inheritdoc />
    public IDeviceTensor? Find(string name, bool packed, int rows, int columns, TensorDType dtype) =>
        _file?.Take(_next++, name, packed, rows, columns, dtype, _backend);

    /// <inheritdoc />
    public void Add(string name, bool packed, IDeviceTensor tensor)
    {
        if (_file is null) _built.Add((name, packed, tensor));
    }

    /// <inheritdoc />
    /// <remarks>
    /// On a miss, writes the entry (temporary name, then rename: two processes missing at once both write and the
    /// last rename wins, readers never see half a file). A cache that cannot be written only costs the next load time.
    /// </remarks>
    public void Complete()
    {
        if (_file is not null)
        {
            if (_next != _file.Header.Tensors.Length) throw new InvalidDataException($"cache entry holds {_file.Header.Tensors.Length} tensors; {_next} were loaded");
            return;
        }
        try
        {
            PackedWeightsFile.Write(_path, _key, Layout, _source, _precision, _built);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            System.Diagnostics.Trace.TraceWarning($"{_path}: packed-weight cache not written: {ex.Message}");
        }
        _built.Clear();
    }

    /// <inheritdoc />
    public void Dispose() => _file?.Dispose();
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;
using Hark.Engines.Whisper;

namespace Hark.Engines.Cache;

/// <summary>
/// The CPU backend's packed weights in a <see cref="WeightCache"/>. On a hit every tensor comes from the mapped entry.
/// On a miss the entry is created under a temporary name, mapped for writing, each weight is packed straight into it
/// (no second copy, no write afterwards) and the file is renamed into place when the load completes: two processes
/// missing at once both write and the last rename wins; readers never see half a file. A cache folder that cannot be
/// written only costs the next load its time: the weights are then packed into memory as without a cache.
/// </summary>
internal sealed class CachedWeightStore : IWeightStore
{
    /// <summary>What the packed bytes depend on besides the source: panel width, format version, byte order.</summary>
    public static readonly string Layout =
        $"cpu-panels{PackedWeight.PanelWidth}-layout{PackedWeight.LayoutVersion}-v{PackedWeightsFile.Version}-{(BitConverter.IsLittleEndian ? "le" : "be")}";

    private readonly IOpBackend _backend;
    private readonly PackedWeightsFile? _file;
    private int _next;

    private CachedWeightStore(IOpBackend backend, PackedWeightsFile? file, bool isHit)
    {
        _backend = backend;
        _file = file;
        IsHit = isHit;
    }

    /// <summary>True when the weights come from the cache.</summary>
    public bool IsHit { get; }

    /// <summary>
    /// Opens the entry for this source and precision; when it is missing or invalid (or <paramref name="ignoreExisting"/>),
    /// starts writing it, laid out as <paramref name="plan"/> lists the tensors.
    /// </summary>
    public static CachedWeightStore Open(WeightCache cache, WeightSource source, WhisperConfig config, TensorDType storage, TensorDType roundTo,
        IOpBackend backend, Func<IReadOnlyList<(string Name, WeightKind Kind, int Rows, int Columns, TensorDType DType)>> plan, bool ignoreExisting = false)
    {
        var key = Key(source.Fingerprint, config, storage, roundTo);
        var path = cache.EntryPath(key);
        if (!ignoreExisting && PackedWeightsFile.Open(path, key, Layout) is { } hit) return new CachedWeightStore(backend, hit, isHit: true);
        var precision = storage == roundTo ? storage.ToString() : $"{roundTo} (as {storage})";
        try
        {
            var header = PackedWeightsHeader.Plan(Layout, key, source.Description, precision, plan());
            return new CachedWeightStore(backend, PackedWeightsFile.Create(path, header), isHit: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            System.Diagnostics.Trace.TraceWarning($"{path}: packed-weight cache not written: {ex.Message}");
            return new CachedWeightStore(backend, null, isHit: false);
        }
    }

    /// <summary>The entry key: 128 bits of SHA-256 over everything the packed bytes depend on.</summary>
    public static string Key(string fingerprint, WhisperConfig config, TensorDType storage, TensorDType roundTo)
    {
        var text = string.Join('\n', Layout, fingerprint, JsonSerializer.Serialize(config), storage, roundTo);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <inheritdoc />
    public IDeviceTensor? Find(string name, WeightKind kind, int rows, int columns, TensorDType dtype) =>
        IsHit ? _file!.Take(_next++, name, kind, rows, columns, dtype, _backend) : null;

    /// <inheritdoc />
    public IDeviceTensor? Build(string name, WeightKind kind, ReadOnlySpan<float> values, int rows, int columns, TensorDType dtype) =>
        _file?.Build(_next++, name, kind, values, rows, columns, dtype, _backend);

    /// <inheritdoc />
    public void Complete()
    {
        if (_file is null) return;
        if (_next != _file.Header.Tensors.Length) throw new InvalidDataException($"cache entry lists {_file.Header.Tensors.Length} tensors; {_next} were loaded");
        try
        {
            _file.Commit();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            System.Diagnostics.Trace.TraceWarning($"packed-weight cache not committed: {ex.Message}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file?.Dispose();
}

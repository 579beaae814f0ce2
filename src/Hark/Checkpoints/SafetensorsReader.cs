namespace Hark.Checkpoints;

/// <summary>
/// One <c>.safetensors</c> file, memory-mapped: the header is validated on open (length, JSON, dtypes, shapes,
/// offsets in range and non-overlapping, byte counts), tensor bytes are touched only when read. Thread-safe.
/// Names are as stored (a <c>model.</c> prefix is kept; <see cref="WhisperCheckpoint.Open"/> normalises them).
/// </summary>
public sealed class SafetensorsReader : ITensorSource
{
    private readonly Dictionary<string, (TensorInfo Info, long Begin)> _entries;
    private readonly Dictionary<string, TensorInfo> _tensors;
    private readonly MappedFile _file;
    private readonly long _dataStart;

    private SafetensorsReader(string path, SafetensorsHeader header, MappedFile file)
    {
        Path = path;
        _entries = header.Entries;
        _tensors = header.Entries.ToDictionary(e => e.Key, e => e.Value.Info, StringComparer.Ordinal);
        _file = file;
        _dataStart = header.DataStart;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is malformed (the message names the field).</exception>
    /// <exception cref="HarkInputException">The file cannot be opened.</exception>
    public static SafetensorsReader Open(string path)
    {
        RegularFiles.ThrowIfSpecial(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HarkInputException($"cannot open: {ex.Message}", path, inner: ex);
        }
        SafetensorsHeader header;
        try
        {
            header = SafetensorsHeader.Read(stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        try
        {
            return new SafetensorsReader(path, header, new MappedFile(stream));
        }
        catch (IOException ex)
        {
            throw new HarkInputException($"cannot map: {ex.Message}", path, inner: ex);
        }
    }

    /// <summary>A read-only view of a tensor's stored bytes, valid until the reader is disposed.</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var (info, begin) = Entry(name);
        return _file.Span(_dataStart + begin, info.ByteCount);
    }

    /// <inheritdoc />
    public void ReadBytes(string name, Span<byte> destination)
    {
        var (info, _) = Entry(name);
        TensorReads.CheckByteLength(info, destination.Length, Path);
        GetBytes(name).CopyTo(destination);
    }

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination)
    {
        var (info, _) = Entry(name);
        TensorReads.ReadFloat32(info, destination, Path, bytes => GetBytes(name).CopyTo(bytes));
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private (TensorInfo Info, long Begin) Entry(string name) =>
        _entries.TryGetValue(name, out var entry)
            ? entry
            : throw new HarkInputException("no such tensor in the file", Path, name);
}

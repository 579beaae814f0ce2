using System.IO.Compression;
using System.IO.Hashing;

namespace Hark.Checkpoints;

/// <summary>
/// A <c>pytorch_model.bin</c> written by <c>torch.save</c> (PyTorch ≥ 1.6 zip format): <c>{archive}/data.pkl</c> holds the
/// state dict, read by a restricted unpickler that executes nothing; <c>{archive}/data/N</c> hold the storages, read
/// lazily when a tensor is asked for. Stored (uncompressed) records, which is what torch.save writes, are memory-mapped
/// and read by offset concurrently; any other record is streamed through <see cref="ZipArchive"/> under a lock.
/// </summary>
public sealed class PytorchBinReader : ITensorSource
{
    /// <summary>A state dict's pickle is small (names and shapes); anything bigger is not one.</summary>
    private const long MaxPickleBytes = 64L * 1024 * 1024;

    private readonly ZipArchive _zip;
    private readonly Dictionary<string, (TensorInfo Info, PyTensor Tensor, ZipArchiveEntry Entry)> _entries;
    private readonly Dictionary<string, TensorInfo> _tensors;
    private readonly Lock _lock = new();
    private readonly MappedFile? _mapped;
    private readonly Dictionary<string, long> _mappedOffsets;

    private PytorchBinReader(string path, ZipArchive zip, Dictionary<string, (TensorInfo, PyTensor, ZipArchiveEntry)> entries)
    {
        Path = path;
        _zip = zip;
        _entries = entries;
        _tensors = entries.ToDictionary(e => e.Key, e => e.Value.Item1, StringComparer.Ordinal);
        (_mapped, _mappedOffsets) = MapStoredRecords(path, entries);
    }

    /// <summary>Number of tensors read from the memory map rather than streamed (all of them for torch.save files).</summary>
    internal int MappedTensorCount => _mappedOffsets.Count;

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    /// <summary>Opens <paramref name="path"/> and validates every tensor against its storage record.</summary>
    /// <exception cref="CheckpointFormatException">Not a torch zip, forbidden global, or tensors that do not fit their storages.</exception>
    public static PytorchBinReader Open(string path)
    {
        RegularFiles.ThrowIfSpecial(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HarkInputException($"cannot open: {ex.Message}", path, inner: ex);
        }
        ZipArchive? zip = null;
        try
        {
            zip = OpenZip(stream, path);
            var entries = ReadStateDict(zip, path);
            return new PytorchBinReader(path, zip, entries);
        }
        catch
        {
            if (zip is null) stream.Dispose();
            else zip.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void ReadBytes(string name, Span<byte> destination)
    {
        var (info, tensor, entry) = Entry(name);
        TensorReads.CheckByteLength(info, destination.Length, Path);
        var skip = tensor.Offset * info.DType.SizeInBytes();
        if (_mapped is not null && _mappedOffsets.TryGetValue(name, out var recordOffset))
        {
            _mapped.Span(recordOffset + skip, info.ByteCount).CopyTo(destination);
            return;
        }
        lock (_lock)
        {
            try
            {
                using var s = entry.Open();
                if (s.CanSeek)
                {
                    s.Seek(skip, SeekOrigin.Begin);
                    s.ReadExactly(destination);
                }
                else
                {
                    var crc = new Crc32();
                    Skip(s, skip, crc);
                    s.ReadExactly(destination);
                    crc.Append(destination);
                    CheckWholeRecord(s, entry, entry.Length - skip - destination.Length, crc);
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
            {
                throw new CheckpointFormatException($"cannot read storage record '{entry.FullName}': {ex.Message}", Path, name, ex);
            }
        }
    }

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination)
    {
        var (info, _, _) = Entry(name);
        TensorReads.ReadFloat32(info, destination, Path, bytes => ReadBytes(name, bytes));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _mapped?.Dispose();
        _zip.Dispose();
    }

    /// <summary>Whether two tensors are views of the same bytes (a tied output projection saved by reference).</summary>
    internal bool SharesBytes(string a, string b) =>
        _entries.TryGetValue(a, out var x) && _entries.TryGetValue(b, out var y)
        && ReferenceEquals(x.Tensor.Storage, y.Tensor.Storage) && x.Tensor.Offset == y.Tensor.Offset
        && x.Info.ByteCount == y.Info.ByteCount;

    private (TensorInfo Info, PyTensor Tensor, ZipArchiveEntry Entry) Entry(string name) =>
        _entries.TryGetValue(name, out var e) ? e : throw new HarkInputException("no such tensor in the file", Path, name);

    /// <summary>Maps the file and finds each tensor's stored record; tensors whose record is compressed are left out.</summary>
    private static (MappedFile?, Dictionary<string, long>) MapStoredRecords(
        string path, Dictionary<string, (TensorInfo, PyTensor, ZipArchiveEntry)> entries)
    {
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        MappedFile mapped;
        try
        {
            mapped = new MappedFile(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, offsets); // streaming still works
        }
        var located = ZipStoredEntries.Locate(mapped);
        if (located is not null)
        {
            foreach (var (name, (_, _, entry)) in entries)
            {
                // Trust the map only where it agrees with ZipArchive's own view of the record.
                if (located.TryGetValue(entry.FullName, out var record) && record.Size == entry.Length && entry.CompressedLength == entry.Length)
                    offsets[name] = record.Offset;
            }
        }
        if (offsets.Count > 0) return (mapped, offsets);
        mapped.Dispose();
        return (null, offsets);
    }

    /// <summary>
    /// Reads a compressed record to its declared end and checks its CRC-32, so that one whose data does not match its
    /// declared size (a zip bomb inflating far beyond it) or its checksum is refused rather than silently cut short.
    /// </summary>
    private static void CheckWholeRecord(Stream s, ZipArchiveEntry entry, long remaining, Crc32 crc)
    {
        Skip(s, Math.Max(0, remaining), crc);
        Span<byte> one = stackalloc byte[1];
        if (s.Read(one) != 0 || crc.GetCurrentHashAsUInt32() != entry.Crc32)
            throw new InvalidDataException($"the record does not match its declared size of {entry.Length} bytes and CRC-32 {entry.Crc32:x8}");
    }

    private static void Skip(Stream s, long count, Crc32? crc = null)
    {
        Span<byte> scratch = stackalloc byte[8192];
        while (count > 0)
        {
            var n = s.Read(scratch[..(int)Math.Min(scratch.Length, count)]);
            if (n == 0) throw new EndOfStreamException("storage record ends before the tensor's offset");
            crc?.Append(scratch[..n]);
            count -= n;
        }
    }

    private static ZipArchive OpenZip(FileStream stream, string path)
    {
        Span<byte> magic = stackalloc byte[2];
        if (stream.Read(magic) == 2 && magic[0] == 0x80)
            throw new CheckpointFormatException(
                "legacy (pre-1.6) torch.save format is not supported; re-save with torch ≥ 1.6 or as safetensors", path);
        stream.Position = 0;
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException)
        {
            throw new CheckpointFormatException($"not a torch.save zip archive: {ex.Message}", path, inner: ex);
        }
    }

    private static Dictionary<string, (TensorInfo, PyTensor, ZipArchiveEntry)> ReadStateDict(ZipArchive zip, string path)
    {
        var pickleEntry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
            && e.FullName.IndexOf('/', StringComparison.Ordinal) == e.FullName.Length - "/data.pkl".Length)
            ?? throw new CheckpointFormatException("no '<archive>/data.pkl' record; not a torch.save file", path, "data.pkl");
        var prefix = pickleEntry.FullName[..^"data.pkl".Length];
        if (pickleEntry.Length > MaxPickleBytes)
            throw new CheckpointFormatException($"data.pkl is {pickleEntry.Length} bytes, more than a state dict's {MaxPickleBytes}", path, "data.pkl");
        var pickle = new byte[pickleEntry.Length];
        try
        {
            using var s = pickleEntry.Open();
            s.ReadExactly(pickle);
            var crc = new Crc32();
            crc.Append(pickle);
            CheckWholeRecord(s, pickleEntry, 0, crc);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new CheckpointFormatException($"cannot read data.pkl: {ex.Message}", path, "data.pkl", ex);
        }
        var root = RestrictedUnpickler.Load(pickle, path);
        var storages = zip.Entries.Where(e => e.FullName.StartsWith(prefix + "data/", StringComparison.Ordinal))
            .GroupBy(e => e.FullName[(prefix.Length + 5)..], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return TorchStateDict.Resolve(root, storages, path);
    }
}

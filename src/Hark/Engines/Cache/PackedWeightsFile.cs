using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text.Json;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;
using Hark.Engines.Whisper;

using Hark.IO;

namespace Hark.Engines.Cache;

/// <summary>
/// The packed-weight cache file: <c>HARKPW</c> magic and version, header length, JSON header
/// (<see cref="PackedWeightsHeader"/>), then each tensor's bytes exactly as the CPU backend holds them (64-byte aligned,
/// the data area page aligned), then a footer repeating the magic and the total length. A file is used only if magic,
/// version, layout, key, every offset and the total length agree, so a truncated or foreign file reads as a miss and
/// is rebuilt. Packed panels are used straight from the mapping, on a hit and while the file is being written alike;
/// the few dense tensors (biases, norms, positions) are copied to the backend.
/// </summary>
internal sealed unsafe class PackedWeightsFile : IDisposable
{
    /// <summary>Format version; bump whenever what is stored or how it is laid out changes.</summary>
    public const int Version = 1;

    /// <summary>Trailing magic + length.</summary>
    public const int FooterBytes = 16;

    private static readonly byte[] Magic = "HARKPW\0\u0001"u8.ToArray();

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly byte* _data;
    private readonly string? _writingTo;
    private readonly string? _finalPath;
    private readonly long _length;
    private bool _committed;
    private int _disposed;

    private PackedWeightsFile(PackedWeightsHeader header, FileStream stream, long dataStart, string? writingTo, string? finalPath)
    {
        Header = header;
        _writingTo = writingTo;
        _finalPath = finalPath;
        _length = stream.Length;
        var access = writingTo is null ? MemoryMappedFileAccess.Read : MemoryMappedFileAccess.ReadWrite;
        _map = MemoryMappedFile.CreateFromFile(stream, null, 0, access, HandleInheritability.None, leaveOpen: false);
        try
        {
            _view = _map.CreateViewAccessor(0, 0, access);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
            _data = _base + dataStart;
        }
        catch
        {
            _view?.Dispose();
            _map.Dispose();
            throw;
        }
    }

    /// <summary>The header.</summary>
    public PackedWeightsHeader Header { get; }

    /// <summary>Opens and validates <paramref name="path"/>; null when it is missing, truncated, damaged or for another key.</summary>
    public static PackedWeightsFile? Open(string path, string key, string layout)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.RandomAccess);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        try
        {
            var (header, headerBytes) = ReadHeader(stream);
            if (header is null || header.Key != key || header.Layout != layout || !header.IsConsistent() || !HasFooter(stream, header.FileLength(headerBytes)))
            {
                stream.Dispose();
                return null;
            }
            return new PackedWeightsFile(header, stream, header.DataStart(headerBytes), null, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Starts writing <paramref name="header"/>'s entry under a temporary name beside <paramref name="path"/>, mapped for
    /// writing; <see cref="Build"/> packs each tensor straight into it and <see cref="Commit"/> renames it into place.
    /// </summary>
    /// <exception cref="IOException">The cache folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The cache folder cannot be written.</exception>
    public static PackedWeightsFile Create(string path, PackedWeightsHeader header)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        var length = header.FileLength(json.Length);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Named as AtomicOutput names its temporaries, so a load killed while packing leaves nothing the next one keeps.
        AtomicOutput.RemoveOrphans(path);
        var temp = AtomicOutput.TempSibling(path);
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1);
        try
        {
            stream.SetLength(length);   // sparse: pages cost nothing until written
            Span<byte> prefix = stackalloc byte[12];
            Magic.CopyTo(prefix);
            BinaryPrimitives.WriteInt32LittleEndian(prefix[8..], json.Length);
            RandomAccess.Write(stream.SafeFileHandle, prefix, 0);
            RandomAccess.Write(stream.SafeFileHandle, json, 12);
            return new PackedWeightsFile(header, stream, header.DataStart(json.Length), temp, path);
        }
        catch
        {
            stream.Dispose();
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The header of <paramref name="path"/> if it parses (for listing), with the length a complete file has.</summary>
    public static (PackedWeightsHeader Header, long Length)? TryReadHeader(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            var (header, headerBytes) = ReadHeader(stream);
            return header is null ? null : (header, header.FileLength(headerBytes));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The tensor at <paramref name="index"/> of a complete file.</summary>
    /// <exception cref="InvalidDataException">The entry describes another tensor (the caller rebuilds the entry).</exception>
    public IDeviceTensor Take(int index, string name, WeightKind kind, int rows, int columns, TensorDType dtype, IOpBackend backend)
    {
        var e = Entry(index, name, kind, rows, columns, dtype);
        if (e.IsPacked) return PackedWeight.MapFrom(rows, columns, dtype, _data + e.Offset, e.HasScales ? (float*)(_data + e.ScalesOffset) : null);
        var tensor = backend.Allocate(rows, columns);
        backend.Upload(new ReadOnlySpan<float>(_data + e.Offset, checked(rows * columns)), TensorView.Of(tensor));
        return tensor;
    }

    /// <summary>Writes the tensor at <paramref name="index"/> of a file being written, and returns it (packed weights in place).</summary>
    /// <exception cref="InvalidDataException">The plan listed another tensor here.</exception>
    public IDeviceTensor Build(int index, string name, WeightKind kind, ReadOnlySpan<float> values, int rows, int columns, TensorDType dtype, IOpBackend backend)
    {
        if (_writingTo is null) throw new InvalidOperationException("the cache file is open for reading");
        var e = Entry(index, name, kind, rows, columns, dtype);
        var what = $"{name} [{rows}, {columns}]";
        switch (kind)
        {
            case WeightKind.Dense:
                values.CopyTo(new Span<float>(_data + e.Offset, checked(rows * columns)));
                return Take(index, name, kind, rows, columns, dtype, backend);
            case WeightKind.Conv:
                WeightPacking.PackInto(WeightPacking.Conv1dAsLinear(values, rows, columns / 3, 3), rows, columns, dtype, _data + e.Offset,
                    e.HasScales ? (float*)(_data + e.ScalesOffset) : null, what);
                break;
            default:
                WeightPacking.PackInto(values, rows, columns, dtype, _data + e.Offset, e.HasScales ? (float*)(_data + e.ScalesOffset) : null, what);
                break;
        }
        return Take(index, name, kind, rows, columns, dtype, backend);
    }

    /// <summary>Writes the footer and renames the finished file into place (replacing an entry another process wrote meanwhile).</summary>
    public void Commit()
    {
        if (_writingTo is null || _committed) return;
        Magic.CopyTo(new Span<byte>(_base + _length - FooterBytes, 8));
        BinaryPrimitives.WriteInt64LittleEndian(new Span<byte>(_base + _length - 8, 8), _length);
        File.Move(_writingTo, _finalPath!, overwrite: true);
        _committed = true;
    }

    /// <inheritdoc />
    /// <remarks>The mapping stays valid after a rename, and on Unix after another process replaces or deletes the file.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        if (_writingTo is not null && !_committed) TryDelete(_writingTo);
    }

    private PackedTensorEntry Entry(int index, string name, WeightKind kind, int rows, int columns, TensorDType dtype)
    {
        var tensors = Header.Tensors;
        if (index >= tensors.Length || tensors[index] is not { } e || e.Name != name || e.Kind != kind || e.Rows != rows || e.Columns != columns || e.DType != dtype)
            throw new InvalidDataException($"cache entry {index} does not describe {name} [{rows}, {columns}] {dtype}");
        return e;
    }

    private static (PackedWeightsHeader? Header, int HeaderBytes) ReadHeader(FileStream stream)
    {
        Span<byte> prefix = stackalloc byte[12];
        if (stream.Length < 12 + FooterBytes || stream.ReadAtLeast(prefix, 12, throwOnEndOfStream: false) < 12 || !prefix[..8].SequenceEqual(Magic))
            return (null, 0);
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix[8..]);
        if (length <= 0 || length > 64 << 20 || length > stream.Length - 12) return (null, 0);
        var json = new byte[length];
        if (stream.ReadAtLeast(json, length, throwOnEndOfStream: false) < length) return (null, 0);
        try
        {
            var header = JsonSerializer.Deserialize<PackedWeightsHeader>(json);
            return header is { Version: Version, Tensors: not null, Key: not null, Layout: not null } ? (header, length) : (null, 0);
        }
        catch (JsonException)
        {
            return (null, 0);
        }
    }

    private static bool HasFooter(FileStream stream, long expected)
    {
        if (stream.Length != expected) return false;
        Span<byte> footer = stackalloc byte[FooterBytes];
        stream.Position = expected - FooterBytes;
        if (stream.ReadAtLeast(footer, FooterBytes, throwOnEndOfStream: false) < FooterBytes) return false;
        return footer[..8].SequenceEqual(Magic) && BinaryPrimitives.ReadInt64LittleEndian(footer[8..]) == expected;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

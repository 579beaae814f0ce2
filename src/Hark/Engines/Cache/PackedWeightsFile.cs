using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Hark.Checkpoints;
using Hark.Engines.Backends;
using Hark.Engines.Cpu;

namespace Hark.Engines.Cache;

/// <summary>Header of a packed-weight cache file (JSON).</summary>
internal sealed record PackedWeightsHeader(int Version, string Layout, string Key, string Source, string Precision, long DataBytes, PackedTensorEntry[] Tensors)
{
    /// <summary>Offset of the data area: after the 12-byte prefix and the header, page aligned.</summary>
    public long DataStart(int headerBytes) => Align(12 + headerBytes, 4096);

    /// <summary>Length of a complete file with a header of <paramref name="headerBytes"/>.</summary>
    public long FileLength(int headerBytes) => DataStart(headerBytes) + DataBytes + PackedWeightsFile.FooterBytes;

    /// <summary>Rounds up to a multiple of <paramref name="alignment"/>.</summary>
    public static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}

/// <summary>One tensor of a cache file, in the order the engine loads them. Offsets are from the data area.</summary>
internal sealed record PackedTensorEntry(string Name, bool Packed, TensorDType DType, int Rows, int Columns, long Offset, long Bytes, long ScalesOffset)
{
    /// <summary>The bytes this tensor must occupy (panels for a packed weight; rows × columns float32 for a dense tensor).</summary>
    public long ExpectedBytes => Packed ? PackedWeight.DataBytes(Rows, Columns, DType) : (long)Rows * Columns * sizeof(float);
}

/// <summary>
/// The packed-weight cache file: <c>HARKPW</c> magic and version, header length, JSON header, then each tensor's bytes
/// exactly as the CPU backend holds them (64-byte aligned, the data area page aligned), then a footer repeating the
/// magic and the total length. A file is used only if magic, version, layout, key, every offset and the total length
/// agree, so a truncated or foreign file reads as a miss and is rebuilt. Packed panels are used straight from the
/// read-only mapping; the few dense tensors (biases, norms, positions) are copied.
/// </summary>
internal sealed unsafe class PackedWeightsFile : IDisposable
{
    /// <summary>Format version; bump whenever what is stored or how it is laid out changes.</summary>
    public const int Version = 1;

    /// <summary>Trailing magic + length.</summary>
    public const int FooterBytes = 16;

    private static readonly byte[] Magic = "HARKPW\0\u0001"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly MappedFile _map;
    private readonly byte* _data;

    private PackedWeightsFile(PackedWeightsHeader header, MappedFile map, long dataStart)
    {
        Header = header;
        _map = map;
        _data = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(map.Span(0, 1))) + dataStart;
    }

    /// <summary>The validated header.</summary>
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
            if (header is null || header.Key != key || header.Layout != layout || !IsConsistent(header, headerBytes, stream)) 
            {
                stream.Dispose();
                return null;
            }
            return new PackedWeightsFile(header, new MappedFile(stream), header.DataStart(headerBytes));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            return null;
        }
    }

    /// <summary>The header of <paramref name="path"/> if it parses (for listing), else null.</summary>
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

    /// <summary>
    /// The tensor at <paramref name="index"/>, which must be the one described; a packed weight maps the file, a dense
    /// tensor is copied into <paramref name="backend"/>'s memory.
    /// </summary>
    /// <exception cref="InvalidDataException">The entry describes another tensor (the caller rebuilds the entry).</exception>
    public IDeviceTensor Take(int index, string name, bool packed, int rows, int columns, TensorDType dtype, IOpBackend backend)
    {
        var tensors = Header.Tensors;
        if (index >= tensors.Length || tensors[index] is not { } e || e.Name != name || e.Packed != packed || e.Rows != rows || e.Columns != columns || e.DType != dtype)
            throw new InvalidDataException($"cache entry {index} does not describe {name} [{rows}, {columns}] {dtype}");
        if (packed) return PackedWeight.MapFrom(rows, columns, dtype, _data + e.Offset, e.ScalesOffset < 0 ? null : (float*)(_data + e.ScalesOffset));
        var tensor = backend.Allocate(rows, columns);
        backend.Upload(new ReadOnlySpan<float>(_data + e.Offset, checked(rows * columns)), TensorView.Of(tensor));
        return tensor;
    }

    /// <summary>Writes the tensors (as the CPU backend holds them) to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, string key, string layout, string source, string precision, IReadOnlyList<(string Name, bool Packed, IDeviceTensor Tensor)> tensors)
    {
        var entries = new PackedTensorEntry[tensors.Count];
        long at = 0;
        for (var i = 0; i < tensors.Count; i++)
        {
            var (name, packed, tensor) = tensors[i];
            var bytes = packed ? PackedWeight.DataBytes(tensor.Rows, tensor.Columns, tensor.DType) : (long)tensor.Rows * tensor.Columns * sizeof(float);
            var scales = -1L;
            var end = at + bytes;
            if (packed && tensor.DType == TensorDType.Int8)
            {
                scales = PackedWeightsHeader.Align(end, 64);
                end = scales + PackedWeight.ScaleBytes(tensor.Rows, tensor.DType);
            }
            entries[i] = new PackedTensorEntry(name, packed, tensor.DType, tensor.Rows, tensor.Columns, at, bytes, scales);
            at = PackedWeightsHeader.Align(end, 64);
        }
        var header = new PackedWeightsHeader(Version, layout, key, source, precision, at, entries);
        var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        var dataStart = header.DataStart(json.Length);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[12];
            Magic.CopyTo(prefix);
            BinaryPrimitives.WriteInt32LittleEndian(prefix[8..], json.Length);
            stream.Write(prefix);
            stream.Write(json);
            Pad(stream, dataStart);
            for (var i = 0; i < tensors.Count; i++)
            {
                var (_, packed, tensor) = tensors[i];
                var e = entries[i];
                Pad(stream, dataStart + e.Offset);
                if (packed)
                {
                    var weight = (PackedWeight)tensor;
                    stream.Write(new ReadOnlySpan<byte>(weight.Data, checked((int)e.Bytes)));
                    if (e.ScalesOffset >= 0)
                    {
                        Pad(stream, dataStart + e.ScalesOffset);
                        stream.Write(new ReadOnlySpan<byte>(weight.Scales, checked((int)PackedWeight.ScaleBytes(e.Rows, e.DType))));
                    }
                }
                else
                {
                    stream.Write(new ReadOnlySpan<byte>(((CpuTensor)tensor).Bytes, checked((int)e.Bytes)));
                }
            }
            Pad(stream, dataStart + header.DataBytes);
            Span<byte> footer = stackalloc byte[FooterBytes];
            Magic.CopyTo(footer);
            BinaryPrimitives.WriteInt64LittleEndian(footer[8..], header.FileLength(json.Length));
            stream.Write(footer);
        });
    }

    /// <inheritdoc />
    public void Dispose() => _map.Dispose();

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
            var header = JsonSerializer.Deserialize<PackedWeightsHeader>(json, Json);
            return header is { Version: Version, Tensors: not null, Key: not null, Layout: not null } ? (header, length) : (null, 0);
        }
        catch (JsonException)
        {
            return (null, 0);
        }
    }

    private static bool IsConsistent(PackedWeightsHeader header, int headerBytes, FileStream stream)
    {
        var expected = header.FileLength(headerBytes);
        if (header.DataBytes < 0 || stream.Length != expected) return false;
        Span<byte> footer = stackalloc byte[FooterBytes];
        stream.Position = expected - FooterBytes;
        if (stream.ReadAtLeast(footer, FooterBytes, throwOnEndOfStream: false) < FooterBytes) return false;
        if (!footer[..8].SequenceEqual(Magic) || BinaryPrimitives.ReadInt64LittleEndian(footer[8..]) != expected) return false;
        foreach (var e in header.Tensors)
        {
            if (e is null || e.Name is null || e.Rows <= 0 || e.Columns <= 0 || !Enum.IsDefined(e.DType)) return false;
            if (e.Offset < 0 || e.Offset % 64 != 0 || e.Bytes != e.ExpectedBytes || e.Offset > header.DataBytes - e.Bytes) return false;
            var hasScales = e.Packed && e.DType == TensorDType.Int8;
            if (hasScales != e.ScalesOffset >= 0) return false;
            if (hasScales && (e.ScalesOffset % 64 != 0 || e.ScalesOffset < e.Offset + e.Bytes
                              || e.ScalesOffset > header.DataBytes - PackedWeight.ScaleBytes(e.Rows, e.DType))) return false;
            if (!e.Packed && e.DType != TensorDType.Float32) return false;
        }
        return true;
    }

    private static void Pad(FileStream stream, long position)
    {
        var gap = position - stream.Position;
        if (gap < 0) throw new InvalidOperationException("cache layout overlaps");
        if (gap > 0) stream.Write(new byte[gap]);
    }
}

using System.Buffers.Binary;
using System.Text.Json;

namespace Hark.Checkpoints;

/// <summary>
/// The parsed, validated JSON header of a safetensors file: for every tensor its dtype, shape and byte range
/// inside the data section (which starts right after the header).
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>Headers larger than this are refused before anything is allocated (real ones are a few hundred KB).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private SafetensorsHeader(Dictionary<string, (TensorInfo Info, long Begin)> entries, long dataStart)
    {
        Entries = entries;
        DataStart = dataStart;
    }

    /// <summary>Tensor info and byte offset relative to <see cref="DataStart"/>, by stored name.</summary>
    public Dictionary<string, (TensorInfo Info, long Begin)> Entries { get; }

    /// <summary>Absolute file offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>Reads and validates the header of <paramref name="stream"/>, whose total length is known.</summary>
    /// <exception cref="CheckpointFormatException">Anything wrong, naming <paramref name="path"/> and the field.</exception>
    public static SafetensorsHeader Read(Stream stream, string path)
    {
        var fileLength = stream.Length;
        if (fileLength < 8)
            throw new CheckpointFormatException($"truncated file: {fileLength} bytes, expected at least 8 (the header length)", path, "header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
            throw new CheckpointFormatException($"header length {headerLength} bytes exceeds the {MaxHeaderBytes}-byte limit", path, "header length");
        if ((long)headerLength > fileLength - 8)
            throw new CheckpointFormatException(
                $"header length {headerLength} runs past the end of the file ({fileLength - 8} bytes follow the length)", path, "header length");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        return Parse(json, 8 + (long)headerLength, fileLength - 8 - (long)headerLength, path);
    }

    /// <summary>Validates a header's JSON against a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> json, long dataStart, long dataLength, string path)
    {
        // JsonDocument defers UTF-8 validation of strings until they are read; check it all up front.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
            throw new CheckpointFormatException("header is not valid UTF-8 JSON", path, "header");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException($"malformed JSON header: {ex.Message}", path, "header", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException($"header must be a JSON object, found {doc.RootElement.ValueKind}", path, "header");
            var entries = new Dictionary<string, (TensorInfo, long)>(StringComparer.Ordinal);
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                var (info, begin, end) = ParseEntry(property, dataLength, path);
                if (!entries.TryAdd(info.Name, (info, begin)))
                    throw new CheckpointFormatException("tensor listed twice in the header", path, info.Name);
                ranges.Add((begin, end, info.Name));
            }
            ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            for (var i = 1; i < ranges.Count; i++)
            {
                var (prevBegin, prevEnd, prevName) = ranges[i - 1];
                var (begin, end, name) = ranges[i];
                // Empty tensors occupy no bytes and may sit anywhere.
                if (begin < prevEnd && end > begin && prevEnd > prevBegin)
                    throw new CheckpointFormatException(
                        $"data_offsets [{begin}, {end}] overlap those of '{prevName}' [{prevBegin}, {prevEnd}]", path, name);
            }
            return new SafetensorsHeader(entries, dataStart);
        }
    }

    private static (TensorInfo Info, long Begin, long End) ParseEntry(JsonProperty property, long dataLength, string path)
    {
        var name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointFormatException($"expected an object with dtype, shape and data_offsets, found {value.ValueKind}", path, name);
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new CheckpointFormatException("missing or non-string 'dtype'", path, name);
        var dtypeName = dtypeElement.GetString()!;
        if (!DTypeExtensions.TryParseSafetensorsName(dtypeName, out var dtype))
            throw new CheckpointFormatException(
                $"unknown dtype '{dtypeName}'; expected one of F32, F16, BF16, F64, I8, U8, I16, I32, I64, BOOL", path, name);
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new CheckpointFormatException("missing or non-array 'shape'", path, name);
        var shape = new long[shapeElement.GetArrayLength()];
        var i = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var d) || d < 0)
                throw new CheckpointFormatException($"shape entry {i} must be a non-negative integer, found {dim.GetRawText()}", path, name);
            shape[i++] = d;
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new CheckpointFormatException("'data_offsets' must be an array of two integers [begin, end]", path, name);
        long begin = ReadOffset(offsets[0], path, name), end = ReadOffset(offsets[1], path, name);
        if (end < begin)
            throw new CheckpointFormatException($"data_offsets [{begin}, {end}] end before they begin", path, name);
        if (end > dataLength)
            throw new CheckpointFormatException(
                $"data_offsets [{begin}, {end}] run past the data section ({dataLength} bytes)", path, name);
        var info = new TensorInfo(name, dtype, shape);
        long expected;
        try
        {
            expected = info.ByteCount;
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException($"shape {info.ShapeText} is too large", path, name);
        }
        if (expected != end - begin)
            throw new CheckpointFormatException(
                $"shape {info.ShapeText} of {dtypeName} needs {expected} bytes, data_offsets [{begin}, {end}] hold {end - begin}", path, name);
        return (info, begin, end);
    }

    private static long ReadOffset(JsonElement element, string path, string name) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var v) && v >= 0
            ? v
            : throw new CheckpointFormatException($"data_offsets entries must be non-negative integers, found {element.GetRawText()}", path, name);
}

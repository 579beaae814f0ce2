using System.Buffers.Binary;

namespace Hark.Checkpoints;

/// <summary>
/// Finds where the bytes of uncompressed (stored) zip entries lie in the file, so they can be memory-mapped instead of
/// streamed. <see cref="System.IO.Compression.ZipArchive"/> validates the archive but does not expose data offsets; this
/// reads the end-of-central-directory record (zip64 too), the central directory and each local header. Any surprise
/// returns null and the caller streams through ZipArchive instead.
/// </summary>
internal static class ZipStoredEntries
{
    private const uint EndOfCentralDirectory = 0x06054b50;
    private const uint Zip64Locator = 0x07064b50;
    private const uint Zip64End = 0x06064b50;
    private const uint CentralHeader = 0x02014b50;
    private const uint LocalHeader = 0x04034b50;

    /// <summary>Data offset and size of every stored entry by full name, or null when the layout is not understood.</summary>
    public static Dictionary<string, (long Offset, long Size)>? Locate(MappedFile file)
    {
        try
        {
            return LocateCore(file);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // a read outside the file: not a layout we can map
        }
    }

    private static Dictionary<string, (long, long)>? LocateCore(MappedFile file)
    {
        var length = file.Length;
        var tailLength = (int)Math.Min(length, 22 + 0xFFFF);
        var tail = file.Span(length - tailLength, tailLength);
        var end = -1;
        for (var i = tailLength - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail[i..]) == EndOfCentralDirectory)
            {
                end = i;
                break;
            }
        }
        if (end < 0) return null;
        var endOffset = length - tailLength + end;
        var eocd = file.Span(endOffset, 22);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(eocd[10..]);
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(eocd[12..]);
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(eocd[16..]);
        if (count == 0xFFFF || directorySize == 0xFFFFFFFF || directoryOffset == 0xFFFFFFFF)
        {
            var locator = file.Span(endOffset - 20, 20);
            if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64Locator) return null;
            var zip64 = file.Span(BinaryPrimitives.ReadInt64LittleEndian(locator[8..]), 56);
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip64) != Zip64End) return null;
            count = BinaryPrimitives.ReadInt64LittleEndian(zip64[32..]);
            directorySize = BinaryPrimitives.ReadInt64LittleEndian(zip64[40..]);
            directoryOffset = BinaryPrimitives.ReadInt64LittleEndian(zip64[48..]);
        }
        var directory = file.Span(directoryOffset, directorySize);
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var at = 0;
        for (long n = 0; n < count; n++)
        {
            var header = directory[at..];
            if (header.Length < 46 || BinaryPrimitives.ReadUInt32LittleEndian(header) != CentralHeader) return null;
            var method = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[42..]);
            if (header.Length < 46 + nameLength + extraLength + commentLength) return null;
            var name = System.Text.Encoding.UTF8.GetString(header.Slice(46, nameLength));
            if (!ReadZip64Extra(header.Slice(46 + nameLength, extraLength), ref uncompressed, ref compressed, ref localOffset)) return null;
            at += 46 + nameLength + extraLength + commentLength;
            if (method != 0 || compressed != uncompressed) continue; // compressed: stream it
            var local = file.Span(localOffset, 30);
            if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalHeader) return null;
            var dataOffset = localOffset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(local[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(local[28..]);
            if (dataOffset > length - compressed) return null;
            result[name] = (dataOffset, compressed);
        }
        return result;
    }

    /// <summary>Replaces 0xFFFFFFFF sizes and offsets by their zip64 extra-field values (present in that order).</summary>
    private static bool ReadZip64Extra(ReadOnlySpan<byte> extra, ref long uncompressed, ref long compressed, ref long offset)
    {
        var needUncompressed = uncompressed == 0xFFFFFFFF;
        var needCompressed = compressed == 0xFFFFFFFF;
        var needOffset = offset == 0xFFFFFFFF;
        if (!needUncompressed && !needCompressed && !needOffset) return true;
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (extra.Length < 4 + size) return false;
            if (id == 1)
            {
                var data = extra.Slice(4, size);
                if (needUncompressed) { if (data.Length < 8) return false; uncompressed = BinaryPrimitives.ReadInt64LittleEndian(data); data = data[8..]; }
                if (needCompressed) { if (data.Length < 8) return false; compressed = BinaryPrimitives.ReadInt64LittleEndian(data); data = data[8..]; }
                if (needOffset) { if (data.Length < 8) return false; offset = BinaryPrimitives.ReadInt64LittleEndian(data); }
                return uncompressed >= 0 && compressed >= 0 && offset >= 0;
            }
            extra = extra[(4 + size)..];
        }
        return false;
    }
}

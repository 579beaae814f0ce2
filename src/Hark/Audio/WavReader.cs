using System.Buffers.Binary;
using System.Text;

namespace Hark.Audio;

/// <summary>What a WAV header says: the sample layout (null when the codec is not plain PCM/float) and where the samples are.</summary>
/// <param name="Format">PCM layout, or null for a compressed codec (ADPCM, µ-law, …) that needs ffmpeg.</param>
/// <param name="FormatTag">The <c>fmt </c> format tag (after resolving WAVE_FORMAT_EXTENSIBLE).</param>
/// <param name="DataBytes">Length of the <c>data</c> chunk, or null when the writer left it open (0xFFFFFFFF, as streaming writers do).</param>
internal sealed record WavHeader(PcmFormat? Format, int FormatTag, long? DataBytes);

/// <summary>
/// Parses RIFF/WAVE by walking its chunks (LIST/INFO, fact, … may precede <c>data</c>) and leaves the stream at the
/// first sample. Reads only small fixed buffers, so an absurd size in a header never causes a large allocation.
/// </summary>
internal static class WavReader
{
    private const int TagPcm = 1, TagFloat = 3, TagExtensible = 0xFFFE;

    /// <summary>True when <paramref name="head"/> (the first 12 bytes of a file) is a RIFF/WAVE header.</summary>
    public static bool LooksLikeWav(ReadOnlySpan<byte> head) =>
        head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8);

    /// <summary>Reads the header; <paramref name="stream"/> is left at the first byte of the <c>data</c> chunk.</summary>
    /// <exception cref="AudioFormatException">Not a WAV file, a malformed header, or (seekable streams) data shorter than claimed.</exception>
    public static WavHeader ReadHeader(Stream stream, string source)
    {
        Span<byte> head = stackalloc byte[12];
        var got = ReadFully(stream, head);
        if (got < 12 || !LooksLikeWav(head))
        {
            var shown = Encoding.ASCII.GetString(head[..Math.Min(got, 4)]).Replace('\0', '.');
            throw new AudioFormatException(
                got == 0 ? "not a WAV file: it is empty (expected a RIFF/WAVE header)"
                         : $"not a WAV file: expected 'RIFF....WAVE' at byte 0, found '{shown}' ({got} bytes read)", source, "RIFF");
        }

        PcmFormat? format = null;
        var tag = 0;
        var sawFmt = false;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[64];
        while (true)
        {
            if (ReadFully(stream, chunk) < 8)
                throw new AudioFormatException(sawFmt ? "no 'data' chunk before the end of the file" : "no 'fmt ' chunk before the end of the file", source, "data");
            var id = Encoding.ASCII.GetString(chunk[..4]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (id == "fmt ")
            {
                if (size is < 16 or > 1024) throw new AudioFormatException($"'fmt ' chunk is {size} bytes, expected 16 to 1024", source, "fmt");
                var keep = (int)Math.Min(size, (uint)fmt.Length);
                if (ReadFully(stream, fmt[..keep]) < keep) throw new AudioFormatException("file ends inside the 'fmt ' chunk", source, "fmt");
                Skip(stream, size - (uint)keep + (size & 1), source, id);
                (format, tag) = ParseFmt(fmt[..keep], source);
                sawFmt = true;
            }
            else if (id == "data")
            {
                if (!sawFmt) throw new AudioFormatException("'data' chunk comes before any 'fmt ' chunk", source, "fmt");
                long? dataBytes = size == uint.MaxValue ? null : size;
                if (dataBytes is { } claimed && stream.CanSeek)
                {
                    var holds = stream.Length - stream.Position;
                    if (holds < claimed - (format is null ? 0 : claimed % format.BytesPerFrame))
                        throw new AudioFormatException($"data chunk claims {claimed} bytes, file holds {holds} (truncated or corrupt header)", source, "data");
                }
                return new WavHeader(format, tag, dataBytes);
            }
            else
            {
                Skip(stream, size + (size & 1), source, id);
            }
        }
    }

    private static (PcmFormat? Format, int Tag) ParseFmt(ReadOnlySpan<byte> f, string source)
    {
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(f);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(f[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(f[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);
        if (tag == TagExtensible)
        {
            if (f.Length < 40) throw new AudioFormatException($"WAVE_FORMAT_EXTENSIBLE needs a 40-byte 'fmt ' chunk, found {f.Length}", source, "fmt");
            tag = BinaryPrimitives.ReadUInt16LittleEndian(f[24..]); // first two bytes of the SubFormat GUID
        }
        if (channels < 1) throw new AudioFormatException("'fmt ' declares 0 channels", source, "fmt.channels");
        if (rate is < 1 or > 1_000_000) throw new AudioFormatException($"'fmt ' declares a sample rate of {rate} Hz, expected 1 to 1000000", source, "fmt.sampleRate");
        if (tag is not (TagPcm or TagFloat)) return (null, tag);

        SampleEncoding? encoding = (tag, bits) switch
        {
            (TagPcm, 8) => SampleEncoding.UInt8,
            (TagPcm, 16) => SampleEncoding.Int16,
            (TagPcm, 24) => SampleEncoding.Int24,
            (TagPcm, 32) => SampleEncoding.Int32,
            (TagFloat, 32) => SampleEncoding.Float32,
            (TagFloat, 64) => SampleEncoding.Float64,
            _ => null,
        };
        if (encoding is null)
            throw new AudioFormatException($"{(tag == TagPcm ? "PCM" : "float")} with {bits} bits per sample is not supported (expected 8, 16, 24 or 32 bit PCM, 32 or 64 bit float)", source, "fmt.bitsPerSample");
        var format = new PcmFormat(encoding.Value, channels, (int)rate);
        if (blockAlign != format.BytesPerFrame)
            throw new AudioFormatException($"'fmt ' block align is {blockAlign}, expected {format.BytesPerFrame} for {channels} channel(s) of {bits}-bit samples", source, "fmt.blockAlign");
        return (format, tag);
    }

    private static void Skip(Stream stream, long bytes, string source, string chunk)
    {
        if (bytes == 0) return;
        if (stream.CanSeek)
        {
            if (stream.Position + bytes > stream.Length) throw new AudioFormatException($"'{chunk}' chunk claims {bytes} bytes, file ends before that", source, chunk);
            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }
        Span<byte> sink = stackalloc byte[4096];
        while (bytes > 0)
        {
            var n = stream.Read(sink[..(int)Math.Min(bytes, sink.Length)]);
            if (n == 0) throw new AudioFormatException($"'{chunk}' chunk claims more bytes than the stream holds", source, chunk);
            bytes -= n;
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}

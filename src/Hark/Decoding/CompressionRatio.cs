using System.IO.Compression;
using System.Text;

namespace Hark.Decoding;

/// <summary>
/// openai-whisper's repetition detector: UTF-8 length of the text divided by the length of its zlib stream
/// (level 6, Python's default). Looping output compresses well and scores high.
/// </summary>
public static class CompressionRatio
{
    /// <summary>The ratio for <paramref name="text"/>; an empty text compresses to a few bytes and scores 0.</summary>
    public static double Of(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length == 0) return 0; // zlib's 8-byte empty stream; .NET writes nothing at all
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = 6 }, leaveOpen: true))
        {
            zlib.Write(bytes);
        }
        return (double)bytes.Length / output.Length;
    }
}

namespace Hark.Tokenization;

/// <summary>
/// GPT-2's byte-level alphabet: every byte maps to one printable character so that BPE vocabularies can be
/// written as text (space is <c>Ġ</c>, newline <c>Ċ</c>). Printable Latin-1 bytes map to themselves; the other
/// 68 bytes map to U+0100 onward, in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte = BuildInverse();

    private static char[] Build()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static Dictionary<char, byte> BuildInverse()
    {
        var inverse = new Dictionary<char, byte>(256);
        for (var b = 0; b < 256; b++) inverse[ByteToChar[b]] = (byte)b;
        return inverse;
    }

    /// <summary>The byte-level string of some bytes (<c>" the"</c> → <c>"Ġthe"</c>).</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++) chars[i] = ByteToChar[source[i]];
        });
    }

    /// <summary>The bytes of a byte-level string, or null when a character is outside the alphabet.</summary>
    public static byte[]? Decode(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (!CharToByte.TryGetValue(text[i], out var b)) return null;
            bytes[i] = b;
        }
        return bytes;
    }
}

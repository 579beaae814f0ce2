using System.Globalization;
using System.Text;

namespace Hark;

/// <summary>
/// Makes text that came from a file safe to print: control and format characters (ANSI escape sequences, carriage
/// returns, bidirectional overrides) are shown as <c>\xNN</c> or <c>\uNNNN</c>, and the length is bounded, so a hostile
/// chunk id, tensor name or dtype can neither drive the terminal nor flood it.
/// </summary>
public static class TerminalText
{
    /// <summary>Longest text <see cref="Escape"/> returns by default (an error line stays readable).</summary>
    public const int DefaultMaxLength = 1000;

    /// <summary>Escapes <paramref name="text"/> and cuts it to about <paramref name="maxLength"/> characters.</summary>
    public static string Escape(string? text, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        if (text.Length <= maxLength && !NeedsEscape(text)) return text;
        var sb = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (sb.Length >= maxLength)
            {
                sb.Append(CultureInfo.InvariantCulture, $"… ({text.Length - i} more characters)");
                break;
            }
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (Unsafe(c))
            {
                sb.Append(c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(string text)
    {
        foreach (var c in text)
            if (Unsafe(c)) return true;
        return false;
    }

    private static bool Unsafe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}

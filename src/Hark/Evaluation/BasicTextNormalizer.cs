using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Hark.Evaluation;

/// <summary>
/// openai-whisper's language-independent normaliser (<c>normalizers/basic.py</c>): lower case, drop bracketed and
/// parenthesised text, replace marks, symbols and punctuation with spaces, collapse whitespace.
/// </summary>
public sealed partial class BasicTextNormalizer : ITextNormalizer
{
    // Letters that NFKD does not decompose but Whisper's normaliser folds anyway.
    private static readonly Dictionary<char, string> AdditionalDiacritics = new()
    {
        ['œ'] = "oe", ['Œ'] = "OE", ['ø'] = "o", ['Ø'] = "O", ['æ'] = "ae", ['Æ'] = "AE",
        ['ß'] = "ss", ['ẞ'] = "SS", ['đ'] = "d", ['Đ'] = "D", ['ð'] = "d", ['Ð'] = "D",
        ['þ'] = "th", ['Þ'] = "th", ['ł'] = "l", ['Ł'] = "L",
    };

    private readonly bool _removeDiacritics;

    /// <summary>Creates the normaliser.</summary>
    /// <param name="removeDiacritics">Decompose (NFKD) and drop combining marks instead of keeping them (NFKC).</param>
    public BasicTextNormalizer(bool removeDiacritics = false) => _removeDiacritics = removeDiacritics;

    /// <inheritdoc />
    public string Normalize(string text)
    {
        var s = text.ToLowerInvariant();
        s = Brackets().Replace(s, "");
        s = Parentheses().Replace(s, "");
        s = _removeDiacritics ? RemoveSymbolsAndDiacritics(s) : RemoveSymbols(s);
        return Whitespace().Replace(s.ToLowerInvariant(), " ");
    }

    /// <summary>
    /// NFKD, then: characters in <paramref name="keep"/> stay, the folded letters above are spelled out, nonspacing
    /// marks are dropped, other marks, symbols and punctuation become spaces.
    /// </summary>
    public static string RemoveSymbolsAndDiacritics(string s, string keep = "")
    {
        var sb = new StringBuilder(s.Length);
        foreach (var rune in s.Normalize(NormalizationForm.FormKD).EnumerateRunes())
        {
            if (rune.IsBmp && keep.Contains((char)rune.Value, StringComparison.Ordinal)) sb.Append((char)rune.Value);
            else if (rune.IsBmp && AdditionalDiacritics.TryGetValue((char)rune.Value, out var folded)) sb.Append(folded);
            else
            {
                var category = Rune.GetUnicodeCategory(rune);
                if (category == UnicodeCategory.NonSpacingMark) continue;
                if (IsMarkSymbolOrPunctuation(category)) sb.Append(' ');
                else sb.Append(rune.ToString());
            }
        }
        return sb.ToString();
    }

    /// <summary>NFKC, then marks, symbols and punctuation become spaces (diacritics kept).</summary>
    public static string RemoveSymbols(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var rune in s.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (IsMarkSymbolOrPunctuation(Rune.GetUnicodeCategory(rune))) sb.Append(' ');
            else sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    private static bool IsMarkSymbolOrPunctuation(UnicodeCategory c) => c switch
    {
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
        UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol => true,
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
        _ => false,
    };

    [GeneratedRegex(@"[<\[][^>\]]*[>\]]")]
    internal static partial Regex Brackets();

    [GeneratedRegex(@"\(([^)]+?)\)")]
    internal static partial Regex Parentheses();

    [GeneratedRegex(@"\s+")]
    internal static partial Regex Whitespace();
}

/// <summary>Maps a transcript to the canonical form WER and CER are computed on.</summary>
public interface ITextNormalizer
{
    /// <summary>Normalises <paramref name="text"/>.</summary>
    string Normalize(string text);
}

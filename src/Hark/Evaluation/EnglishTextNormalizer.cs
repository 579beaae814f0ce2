using System.Text.RegularExpressions;

namespace Hark.Evaluation;

/// <summary>
/// Whisper's English normaliser, the one its WER figures use (<c>normalizers/english.py</c>): lower case; drop
/// bracketed/parenthesised text and fillers (hmm, uh, um…); expand contractions and titles; strip symbols and
/// diacritics except those numbers need; spelled-out numbers to digits (<see cref="EnglishNumberNormalizer"/>);
/// British → American spelling when a map is given; attach currency and percent to their numbers.
/// </summary>
public sealed partial class EnglishTextNormalizer : ITextNormalizer
{
    private static readonly (Regex Pattern, string Replacement)[] Replacers = BuildReplacers();

    private readonly EnglishNumberNormalizer _numbers = new();
    private readonly EnglishSpellingNormalizer? _spellings;

    /// <summary>Creates the normaliser.</summary>
    /// <param name="spellings">British → American map (openai's <c>english.json</c>); null to skip that step.</param>
    public EnglishTextNormalizer(EnglishSpellingNormalizer? spellings = null) => _spellings = spellings;

    private static (Regex, string)[] BuildReplacers()
    {
        var table = new (string, string)[]
        {
            // common contractions
            (@"\bwon't\b", "will not"), (@"\bcan't\b", "can not"), (@"\blet's\b", "let us"), (@"\bain't\b", "aint"),
            (@"\by'all\b", "you all"), (@"\bwanna\b", "want to"), (@"\bgotta\b", "got to"), (@"\bgonna\b", "going to"),
            (@"\bi'ma\b", "i am going to"), (@"\bimma\b", "i am going to"), (@"\bwoulda\b", "would have"),
            (@"\bcoulda\b", "could have"), (@"\bshoulda\b", "should have"), (@"\bma'am\b", "madam"),
            // titles and prefixes
            (@"\bmr\b", "mister "), (@"\bmrs\b", "missus "), (@"\bst\b", "saint "), (@"\bdr\b", "doctor "),
            (@"\bprof\b", "professor "), (@"\bcapt\b", "captain "), (@"\bgov\b", "governor "), (@"\bald\b", "alderman "),
            (@"\bgen\b", "general "), (@"\bsen\b", "senator "), (@"\brep\b", "representative "), (@"\bpres\b", "president "),
            (@"\brev\b", "reverend "), (@"\bhon\b", "honorable "), (@"\basst\b", "assistant "), (@"\bassoc\b", "associate "),
            (@"\blt\b", "lieutenant "), (@"\bcol\b", "colonel "), (@"\bjr\b", "junior "), (@"\bsr\b", "senior "),
            (@"\besq\b", "esquire "),
            // perfect tenses
            (@"'d been\b", " had been"), (@"'s been\b", " has been"), (@"'d gone\b", " had gone"), (@"'s gone\b", " has gone"),
            (@"'d done\b", " had done"), (@"'s got\b", " has got"),
            // general contractions
            (@"n't\b", " not"), (@"'re\b", " are"), (@"'s\b", " is"), (@"'d\b", " would"), (@"'ll\b", " will"),
            (@"'t\b", " not"), (@"'ve\b", " have"), (@"'m\b", " am"),
        };
        return Array.ConvertAll(table, t => (new Regex(t.Item1, RegexOptions.Compiled | RegexOptions.CultureInvariant), t.Item2));
    }

    /// <inheritdoc />
    public string Normalize(string text)
    {
        var s = text.ToLowerInvariant();
        s = BasicTextNormalizer.Brackets().Replace(s, "");
        s = BasicTextNormalizer.Parentheses().Replace(s, "");
        s = Fillers().Replace(s, "");
        s = SpaceBeforeApostrophe().Replace(s, "'");
        foreach (var (pattern, replacement) in Replacers) s = pattern.Replace(s, replacement);
        s = CommaBetweenDigits().Replace(s, "$1$2");
        s = PeriodNotBeforeDigit().Replace(s, " $1");
        s = BasicTextNormalizer.RemoveSymbolsAndDiacritics(s, keep: ".%$¢€£");
        s = _numbers.Normalize(s);
        if (_spellings is not null) s = _spellings.Normalize(s);
        s = CurrencyThenDigit().Replace(s, "$1$2");
        s = DigitThenPercent().Replace(s, "$1%");
        s = SymbolNotBeforeDigit().Replace(s, " $1");
        s = PercentNotAfterDigit().Replace(s, "$1 ");
        return BasicTextNormalizer.Whitespace().Replace(s, " ");
    }

    [GeneratedRegex(@"\b(hmm|mm|mhm|mmm|uh|um)\b")]
    private static partial Regex Fillers();

    [GeneratedRegex(@"\s+'")]
    private static partial Regex SpaceBeforeApostrophe();

    [GeneratedRegex(@"(\d),(\d)")]
    private static partial Regex CommaBetweenDigits();

    [GeneratedRegex(@"\.([^0-9]|$)")]
    private static partial Regex PeriodNotBeforeDigit();

    [GeneratedRegex(@"([$¢€£])\s+([0-9])")]
    private static partial Regex CurrencyThenDigit();

    [GeneratedRegex(@"([0-9])\s+%")]
    private static partial Regex DigitThenPercent();

    [GeneratedRegex(@"[.$¢€£]([^0-9])")]
    private static partial Regex SymbolNotBeforeDigit();

    [GeneratedRegex(@"([^0-9])%")]
    private static partial Regex PercentNotAfterDigit();
}

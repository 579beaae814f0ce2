namespace Hark.Tokenization;

public sealed partial class WhisperTokenizer
{
    // Languages written without spaces between words: openai splits them at character boundaries instead.
    private static readonly HashSet<string> UnspacedLanguages = ["zh", "ja", "th", "lo", "my", "yue"];

    // Python's string.punctuation; openai tests membership with `in`, i.e. as a substring.
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>
    /// Tokens that produce no speech (punctuation-like symbols, music notes), as openai's <c>non_speech_tokens</c>
    /// computes them; <c>suppress_tokens = -1</c> means these plus the task and control tokens. Sorted ascending.
    /// </summary>
    public IReadOnlyList<int> NonSpeechTokens => _nonSpeech.Value;

    /// <summary>
    /// Groups tokens into words as openai does before word-level timestamps: at spaces (a word starts at a token
    /// beginning with a space, a special token or punctuation), or, for Chinese, Japanese, Thai, Lao, Burmese and
    /// Cantonese, at every complete character. Tokens that end inside a UTF-8 sequence stay with the next token.
    /// </summary>
    /// <param name="tokens">Text tokens (timestamps and specials allowed; they form words of their own).</param>
    /// <param name="language">Language code of the text; null splits at spaces.</param>
    public (List<string> Words, List<List<int>> Tokens) SplitToWordTokens(IReadOnlyList<int> tokens, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var (subwords, subwordTokens) = SplitOnUnicode(tokens);
        if (language is not null && UnspacedLanguages.Contains(language)) return (subwords, subwordTokens);

        var words = new List<string>();
        var wordTokens = new List<List<int>>();
        for (var i = 0; i < subwords.Count; i++)
        {
            var subword = subwords[i];
            var special = subwordTokens[i][0] >= Special.EndOfText;
            var withSpace = subword.StartsWith(' ');
            var punctuation = AsciiPunctuation.Contains(subword.Trim(), StringComparison.Ordinal);
            if (special || withSpace || punctuation || words.Count == 0)
            {
                words.Add(subword);
                wordTokens.Add(subwordTokens[i]);
            }
            else
            {
                words[^1] += subword;
                wordTokens[^1].AddRange(subwordTokens[i]);
            }
        }
        return (words, wordTokens);
    }

    // Cuts after every token that completes a character: a U+FFFD in the running text only counts as an open
    // sequence when the full text has no U+FFFD at that place.
    private (List<string> Words, List<List<int>> Tokens) SplitOnUnicode(IReadOnlyList<int> tokens)
    {
        const char Replacement = '\uFFFD';
        var all = tokens.ToArray();
        var full = DecodeWithTimestamps(all);
        var words = new List<string>();
        var wordTokens = new List<List<int>>();
        var current = new List<int>();
        var offset = 0;
        foreach (var token in all)
        {
            current.Add(token);
            var decoded = DecodeWithTimestamps(current.ToArray());
            var bad = decoded.IndexOf(Replacement, StringComparison.Ordinal);
            if (bad < 0 || (offset + bad < full.Length && full[offset + bad] == Replacement))
            {
                words.Add(decoded);
                wordTokens.Add(current);
                current = [];
                offset += decoded.Length;
            }
        }
        return (words, wordTokens);
    }

    private int[] ComputeNonSpeechTokens()
    {
        string[] symbols =
        [
            .. "\"#()*+/:;<=>@[\\]^_`{|}~「」『』".Select(c => c.ToString()),
            .. "<< >> <<< >>> -- --- -( -[ (' (\" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪".Split(' '),
        ];
        // Music notes (U+2640…U+267F) are suppressed even when they take several tokens (their first one).
        var notes = "♩♪♫♬♭♮♯".Select(c => c.ToString()).ToArray();
        var result = new SortedSet<int> { Encode(" -")[0], Encode(" '")[0] };
        foreach (var symbol in symbols.Concat(notes))
        {
            var isNote = notes.Contains(symbol);
            foreach (var ids in new[] { Encode(symbol), Encode(" " + symbol) })
            {
                if (ids.Length == 1 || isNote) result.Add(ids[0]);
            }
        }
        return [.. result];
    }
}

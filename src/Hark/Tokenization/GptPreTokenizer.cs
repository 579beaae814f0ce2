using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Hark.Tokenization;

/// <summary>
/// GPT-2's pre-tokenization, which openai's Whisper tokenizer uses unchanged:
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>.
/// Written as a scanner over code points rather than a .NET regex because .NET's <c>\p{L}</c> sees the two halves
/// of a surrogate pair, not the letter (𝐀, 𠀀 would split differently from tiktoken and Hugging Face).
/// </summary>
internal sealed class GptPreTokenizer : PreTokenizer
{
    /// <summary>The one instance (stateless).</summary>
    public static GptPreTokenizer Instance { get; } = new();

    private enum CharClass { Letter, Number, Space, Other }

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        string.IsNullOrEmpty(text) ? [] : Split(text.AsSpan());

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) =>
        text.IsEmpty ? [] : Split(text);

    /// <summary>Pieces of the text as (offset, length) in UTF-16 units.</summary>
    public static List<(int Offset, int Length)> Split(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int, int)>(text.Length / 4 + 1);
        var i = 0;
        while (i < text.Length)
        {
            var length = MatchAt(text, i);
            pieces.Add((i, length));
            i += length;
        }
        return pieces;
    }

    // Length of the match starting at i, trying the alternatives in the pattern's order (leftmost-first).
    private static int MatchAt(ReadOnlySpan<char> text, int i)
    {
        var contraction = ContractionLength(text, i);
        if (contraction > 0) return contraction;

        var start = i;
        if (text[i] == ' ' && i + 1 < text.Length)
        {
            var next = Classify(text, i + 1, out _);
            if (next != CharClass.Space) return 1 + RunLength(text, i + 1, next);
        }
        var cls = Classify(text, i, out _);
        if (cls != CharClass.Space) return RunLength(text, start, cls);

        // \s+(?!\S) keeps the last space for the word that follows; \s+ takes a lone one.
        var run = RunLength(text, i, CharClass.Space);
        if (i + run == text.Length || run == 1) return run;
        return run - 1;
    }

    private static int ContractionLength(ReadOnlySpan<char> text, int i)
    {
        if (text[i] != '\'' || i + 1 >= text.Length) return 0;
        var a = text[i + 1];
        if (a is 's' or 't' or 'm' or 'd') return 2;
        if (i + 2 >= text.Length) return 0;
        var b = text[i + 2];
        return (a, b) is ('r', 'e') or ('v', 'e') or ('l', 'l') ? 3 : 0;
    }

    private static int RunLength(ReadOnlySpan<char> text, int i, CharClass cls)
    {
        var j = i;
        while (j < text.Length)
        {
            if (Classify(text, j, out var width) != cls) break;
            j += width;
        }
        return j - i;
    }

    private static CharClass Classify(ReadOnlySpan<char> text, int i, out int width)
    {
        if (Rune.DecodeFromUtf16(text[i..], out var rune, out width) != OperationStatus.Done)
        {
            width = 1; // a lone surrogate is neither letter, number nor space
            return CharClass.Other;
        }
        if (Rune.IsWhiteSpace(rune)) return CharClass.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }
}

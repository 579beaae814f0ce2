using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Hark.Tokenization;

namespace Hark.Tests.Tokenization;

public class PreTokenizerTests
{
    // openai's pattern, valid as a .NET regex for text without surrogate pairs (where .NET's \p{L} is per code point).
    private static readonly Regex Gpt2Pattern =
        new(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant);

    private static readonly Gen<string> BmpText = Gen.Frequency(
            (10, Gen.Char["ab Z'smtdlrve0129 \n\t.,!-"]),
            (3, Gen.Char[' ', '\u024F']),
            (2, Gen.Char['\u0300', '\u036F']),
            (2, Gen.Char['\u3000', '\u30FF']),
            (1, Gen.Char['\u2000', '\u206F']))
        .Array[0, 30].Select(chars => new string(chars));

    [Fact]
    public void Splits_like_the_gpt2_regex_on_text_without_surrogates()
    {
        BmpText.Sample(text =>
        {
            var expected = Gpt2Pattern.Matches(text).Select(m => (m.Index, m.Length)).ToList();
            Assert.Equal(expected, GptPreTokenizer.Split(text));
        }, iter: 5000);
    }

    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("don't  stop", new[] { "don", "'t", " ", " stop" })]
    [InlineData("a\n\nb", new[] { "a", "\n", "\n", "b" })]
    [InlineData("x   ", new[] { "x", "   " })]
    [InlineData(" 𝐀𝐁 😀😀", new[] { " 𝐀𝐁", " 😀😀" })]
    [InlineData("a𠀀b1", new[] { "a𠀀b", "1" })]
    public void Treats_astral_letters_as_letters_and_keeps_the_last_space_for_the_next_word(string text, string[] pieces)
    {
        var actual = GptPreTokenizer.Split(text).Select(p => text.Substring(p.Offset, p.Length));
        Assert.Equal(pieces, actual);
    }

    [Fact]
    public void A_lone_surrogate_is_its_own_symbol_and_does_not_throw()
    {
        var text = new StringBuilder("ab").Append('\uD83D').Append("cd").ToString();
        Assert.Equal(new[] { "ab", "\uD83D", "cd" }, GptPreTokenizer.Split(text).Select(p => text.Substring(p.Offset, p.Length)));
    }
}

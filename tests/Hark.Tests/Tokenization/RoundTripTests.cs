using System.Text;
using CsCheck;

namespace Hark.Tests.Tokenization;

public class RoundTripTests
{
    // Code points from the ranges that stress byte-level BPE: ASCII, whitespace runs, accented Latin, combining
    // marks, CJK, Hangul, astral letters, emoji with joiners and variation selectors, and anything valid.
    private static readonly Gen<int> CodePoint = Gen.Frequency(
        (20, Gen.Int[0x20, 0x7E]),
        (10, Gen.OneOf<int>(' ', ' ', '\n', '\t', '\r', '\u00A0', '\u3000', '\u2028')),
        (6, Gen.Int[0xA0, 0x24F]),
        (6, Gen.Int[0x300, 0x36F]),
        (6, Gen.Int[0x4E00, 0x9FFF]),
        (3, Gen.Int[0xAC00, 0xD7A3]),
        (3, Gen.Int[0x1D400, 0x1D7FF]),
        (3, Gen.Int[0x20000, 0x2A6DF]),
        (6, Gen.Int[0x1F300, 0x1FAFF]),
        (2, Gen.OneOf<int>(0x200D, 0xFE0F, 0x27, 0x2019)),
        (4, Gen.Int[0, 0xD7FF]),
        (4, Gen.Int[0xE000, 0x10FFFF]));

    private static readonly Gen<string> UnicodeText = CodePoint.Array[0, 40].Select(cps =>
    {
        var sb = new StringBuilder();
        foreach (var cp in cps) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    });

    [Fact]
    public void Decode_of_encode_returns_any_unicode_string()
    {
        UnicodeText.Sample(text =>
        {
            var ids = Tokenizers.Multilingual.Encode(text);
            Assert.Equal(text, Tokenizers.Multilingual.Decode(ids));
            Assert.Equal(text, Encoding.UTF8.GetString(Tokenizers.Multilingual.DecodeBytes(ids)));
        }, iter: 3000);
    }

    [Fact]
    public void Hf_merges_and_openai_ranks_encode_any_unicode_string_alike()
    {
        UnicodeText.Sample(text =>
        {
            var ids = Tokenizers.WhisperBase.Encode(text);
            Assert.Equal(Tokenizers.Multilingual.Encode(text), ids);
            Assert.Equal(text, Tokenizers.WhisperBase.Decode(ids));
        }, iter: 2000);
    }

    [Fact]
    public void Decode_of_every_prefix_succeeds_and_only_an_open_sequence_becomes_a_replacement_character()
    {
        UnicodeText.Sample(text =>
        {
            var ids = Tokenizers.Multilingual.Encode(text);
            for (var n = 0; n <= ids.Length; n++)
            {
                var prefix = Tokenizers.Multilingual.Decode(ids.AsSpan(0, n));
                var clean = prefix.TrimEnd('\uFFFD');
                Assert.StartsWith(clean, text, StringComparison.Ordinal);
            }
        }, iter: 500);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("   ")]
    [InlineData("\n\n")]
    [InlineData(" \u00A0 ")]
    [InlineData("a  b")]
    [InlineData("I'm done, they'll've")]
    [InlineData("👩‍👩‍👧‍👦 family")]
    [InlineData("e\u0301 ñ")]
    [InlineData("𝐀𝐁𝐂 𠀀𠀁")]
    public void Edge_strings_round_trip(string text)
    {
        Assert.Equal(text, Tokenizers.Multilingual.Decode(Tokenizers.Multilingual.Encode(text)));
        Assert.Equal(Tokenizers.Multilingual.Encode(text), Tokenizers.WhisperBase.Encode(text));
    }

    [Fact]
    public void A_character_split_across_tokens_decodes_whole_and_its_prefix_to_a_replacement_character()
    {
        var ids = Tokenizers.Multilingual.Encode("🦜");
        Assert.True(ids.Length > 1, "the parrot emoji takes several byte tokens");
        Assert.Equal("🦜", Tokenizers.Multilingual.Decode(ids));
        Assert.Contains('\uFFFD', Tokenizers.Multilingual.Decode(ids.AsSpan(0, 1)));
        Assert.Empty(Tokenizers.Multilingual.Decode([]));
    }
}

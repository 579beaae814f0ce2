using Hark.Tokenization;

namespace Hark.Tests.Tokenization;

public class DecodingTests
{
    private static WhisperTokenizer T => Tokenizers.Multilingual;

    [Fact]
    public void Decode_with_timestamps_writes_times_with_two_decimals_and_specials_by_name()
    {
        var s = T.Special;
        int[] tokens =
        [
            s.StartOfTranscript, T.LanguageToken("en"), s.Transcribe, s.TimestampBegin,
            .. T.Encode(" And so"), s.TimestampBegin + 54, s.TimestampBegin + 1500, s.EndOfText,
        ];
        Assert.Equal("<|startoftranscript|><|en|><|transcribe|><|0.00|> And so<|1.08|><|30.00|><|endoftext|>",
            T.DecodeWithTimestamps(tokens));
        Assert.Equal(" And so", T.Decode(tokens));
    }

    [Fact]
    public void Decode_drops_every_special_and_timestamp_token()
    {
        var s = T.Special;
        var text = T.Encode(" ask not");
        int[] tokens = [s.StartOfPrev, .. text, s.NoTimestamps, s.NoSpeech, s.TimestampBegin + 3, s.EndOfText];
        Assert.Equal(" ask not", T.Decode(tokens));
        Assert.Equal(T.DecodeBytes(text), T.DecodeBytes(tokens));
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_refused_with_the_valid_range()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => T.Decode([51865]));
        Assert.Contains("51864", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => T.IdToToken(-1));
    }

    [Fact]
    public void Language_tokens_resolve_by_code_or_name_and_unknown_ones_list_the_valid_codes()
    {
        Assert.Equal(50288, T.LanguageToken("no"));
        Assert.Equal(50288, T.LanguageToken("Norwegian"));
        var e = Assert.Throws<HarkInputException>(() => T.LanguageToken("klingon"));
        Assert.Contains("klingon", e.Message, StringComparison.Ordinal);
        Assert.Contains("en, zh, de", e.Message, StringComparison.Ordinal);
        // Cantonese exists only from large-v3 on.
        Assert.Throws<HarkInputException>(() => T.LanguageToken("yue"));
    }

    [Fact]
    public void Words_split_at_spaces_and_punctuation_with_specials_on_their_own()
    {
        var s = T.Special;
        int[] tokens = [.. T.Encode(" And so, my fellow Americans"), s.TimestampBegin + 50, s.EndOfText];
        var (words, wordTokens) = T.SplitToWordTokens(tokens);
        Assert.Equal(new[] { " And", " so", ",", " my", " fellow", " Americans", "<|1.00|>", "<|endoftext|>" }, words);
        Assert.Equal(tokens, wordTokens.SelectMany(w => w));
        for (var i = 0; i < 6; i++) Assert.Equal(words[i], T.Decode(wordTokens[i].ToArray()));
    }

    [Fact]
    public void Words_of_unspaced_languages_split_at_complete_characters_only()
    {
        const string text = "🦜你好世界";
        var tokens = T.Encode(text);
        var (words, wordTokens) = T.SplitToWordTokens(tokens, "zh");
        Assert.Equal("🦜", words[0]);
        Assert.True(wordTokens[0].Count > 1);
        Assert.Equal(text, string.Concat(words));
        Assert.DoesNotContain(words, w => w.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Equal(tokens, wordTokens.SelectMany(w => w));
    }

    [Fact]
    public void Special_token_text_in_ordinary_input_is_encoded_as_plain_text()
    {
        var ids = T.Encode("<|en|>");
        Assert.DoesNotContain(T.LanguageToken("en"), ids);
        Assert.Equal("<|en|>", T.Decode(ids));
    }
}

using Hark.Tokenization;

namespace Hark.Tests.Tokenization;

public class TokenizerParityTests
{
    [Fact]
    public void Fixture_texts_give_the_same_ids_from_hf_vocab_and_merges_as_from_openai_ranks()
    {
        var texts = Tokenizers.FixtureTexts().ToList();
        Assert.Equal(21, texts.Count);
        foreach (var text in texts)
        {
            var expected = Tokenizers.Multilingual.Encode(" " + text);
            Assert.Equal(expected, Tokenizers.WhisperBase.Encode(" " + text));
            Assert.Equal(" " + text, Tokenizers.Multilingual.Decode(expected));
        }
    }

    [Fact]
    public void Known_multilingual_ids_match_openai()
    {
        Assert.Equal(new[] { 264 }, Tokenizers.Multilingual.Encode(" the"));
        Assert.Equal(new[] { 264 }, Tokenizers.WhisperBase.Encode(" the"));
        Assert.Equal("Ġthe", Tokenizers.Multilingual.IdToToken(264));
        Assert.Equal(264, Tokenizers.WhisperBase.TokenToId("Ġthe"));
    }

    [Fact]
    public void Gpt2_ranks_give_english_only_ids_and_specials()
    {
        var t = Tokenizers.Gpt2;
        Assert.Equal(51864, t.VocabSize);
        Assert.Equal(new[] { 15496, 995 }, t.Encode("Hello world"));
        Assert.Equal(new[] { 262 }, t.Encode(" the"));
        Assert.Equal(50256, t.TokenToId("<|endoftext|>"));
        Assert.Equal(50257, t.TokenToId("<|startoftranscript|>"));
        Assert.Equal(50362, t.TokenToId("<|notimestamps|>"));
        Assert.Equal(50363, t.TokenToId("<|0.00|>"));
        Assert.False(t.Special.IsMultilingual);
        Assert.Throws<HarkInputException>(() => t.LanguageToken("en"));
    }

    [Fact]
    public void Large_v3_folder_gives_cantonese_and_shifted_task_ids()
    {
        var t = WhisperTokenizer.FromFolder(Fixtures.Path("hf/ivrit-whisper-large-v3-turbo"),
            new TokenizerOptions { Warning = m => Assert.Fail("unexpected warning: " + m) });
        Assert.Equal(51866, t.VocabSize);
        Assert.Equal(50358, t.LanguageToken("yue"));
        Assert.Equal(50358, t.TokenToId("<|yue|>"));
        Assert.Equal(50360, t.Special.Transcribe);
        Assert.Equal(50360, t.TokenToId("<|transcribe|>"));
        Assert.Equal(50364, t.Special.NoTimestamps);
        Assert.Equal(50364, t.TokenToId("<|notimestamps|>"));
        Assert.Equal(50365, t.TokenToId("<|0.00|>"));
        Assert.Equal("<|30.00|>", t.IdToToken(51865));
        foreach (var text in Tokenizers.FixtureTexts())
        {
            Assert.Equal(Tokenizers.Multilingual.Encode(" " + text), t.Encode(" " + text));
        }
    }

    [Fact]
    public void Hf_folder_specials_keep_the_files_spelling_and_accept_openais()
    {
        var t = Tokenizers.WhisperBase;
        Assert.Equal(50362, t.Special.NoSpeech);
        Assert.Equal("<|nocaptions|>", t.IdToToken(50362));
        Assert.Equal(50362, t.TokenToId("<|nospeech|>"));
        Assert.Equal("<|nospeech|>", Tokenizers.Multilingual.IdToToken(50362));
        Assert.Equal(50362, Tokenizers.Multilingual.TokenToId("<|nocaptions|>"));
    }

    [Fact]
    public void Token_strings_cover_every_id_and_agree_between_sources()
    {
        var fromRanks = Tokenizers.Multilingual.TokenStrings();
        var fromFolder = Tokenizers.WhisperBase.TokenStrings();
        Assert.Equal(51865, fromRanks.Count);
        Assert.Equal(51865, fromFolder.Count);
        for (var id = 0; id < 51865; id++)
        {
            if (id != 50362) Assert.Equal(fromRanks[id], fromFolder[id]);
        }
        Assert.Equal("<|endoftext|>", fromRanks[50257]);
        Assert.Equal("<|no|>", fromRanks[50288]);
        Assert.Equal("<|0.02|>", fromRanks[50365]);
    }

    [Fact]
    public void Non_speech_tokens_match_the_suppress_list_of_whisper_base_without_its_special_tokens()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Fixtures.Path("hf/whisper-base/generation_config.json")));
        var suppress = doc.RootElement.GetProperty("suppress_tokens").EnumerateArray().Select(e => e.GetInt32())
            .Where(id => id < 50257).ToArray();
        Assert.Equal(suppress, Tokenizers.Multilingual.NonSpeechTokens);
        Assert.Equal(suppress, Tokenizers.WhisperBase.NonSpeechTokens);
    }
}

using Hark.Tokenization;

namespace Hark.Tests;

public class SpecialTokensTests
{
    [Fact]
    public void Multilingual_v1_ids_match_openai()
    {
        var t = SpecialTokens.ForVocabSize(51865);
        Assert.Equal(50257, t.EndOfText);
        Assert.Equal(50258, t.StartOfTranscript);
        Assert.Equal(50288, t.LanguageToken(WhisperLanguages.IndexOf("no")));
        Assert.Equal(50359, t.Transcribe);
        Assert.Equal(50363, t.NoTimestamps);
        Assert.Equal(50364, t.TimestampBegin);
    }

    [Fact]
    public void Large_v3_shifts_every_id_after_cantonese_by_one()
    {
        var t = SpecialTokens.ForVocabSize(51866);
        Assert.Equal(50358, t.LanguageToken(WhisperLanguages.IndexOf("yue")));
        Assert.Equal(50360, t.Transcribe);
        Assert.Equal(50364, t.NoTimestamps);
        Assert.Equal(51865, t.TimestampBegin + 1500);
        Assert.Equal(51866, t.VocabSize);
    }

    [Fact]
    public void English_only_follows_the_gpt2_ranks()
    {
        var t = SpecialTokens.ForVocabSize(51864);
        Assert.Equal(50256, t.EndOfText);
        Assert.Equal(50362, t.NoTimestamps);
        Assert.Equal(51864, t.VocabSize);
        Assert.False(t.IsMultilingual);
    }

    [Fact]
    public void Language_list_has_one_hundred_entries_with_cantonese_last()
    {
        Assert.Equal(WhisperLanguages.CountV3, WhisperLanguages.Codes.Count);
        Assert.Equal("yue", WhisperLanguages.Codes[^1]);
        Assert.Equal(WhisperLanguages.Codes.Count, WhisperLanguages.Codes.Distinct().Count());
    }
}

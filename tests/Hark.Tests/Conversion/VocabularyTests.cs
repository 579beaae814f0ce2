using Hark.Conversion;
using Hark.Conversion.Ct2;

namespace Hark.Tests.Conversion;

public sealed class VocabularyTests
{
    [Fact]
    public void Tokens_merge_vocab_and_added_tokens_and_pad_with_timestamps_from_zero()
    {
        using var dir = Fixtures.TempDir();
        File.WriteAllText(dir.File("vocab.json"), """{"b": 1, "a": 0}""");
        File.WriteAllText(dir.File("added_tokens.json"), """{"<|endoftext|>": 2}""");
        Assert.Equal(["a", "b", "<|endoftext|>", "<|0.00|>", "<|0.02|>"], WhisperVocabularyFiles.ReadTokens(dir.FullName, 5));
        Assert.Equal(["a", "b"], WhisperVocabularyFiles.ReadTokens(dir.FullName, 2));
    }

    [Fact]
    public void A_gap_in_token_ids_is_an_input_error_naming_the_ids()
    {
        using var dir = Fixtures.TempDir();
        File.WriteAllText(dir.File("vocab.json"), """{"a": 0, "b": 2}""");
        var e = Assert.Throws<HarkInputException>(() => WhisperVocabularyFiles.ReadTokens(dir.FullName, 3));
        Assert.Contains("from 0 to 2", e.Message);
    }

    [Fact]
    public void Missing_vocab_json_is_an_input_error_naming_the_file()
    {
        using var dir = Fixtures.TempDir();
        var e = Assert.Throws<HarkInputException>(() => WhisperVocabularyFiles.ReadTokens(dir.FullName, 3));
        Assert.Contains("vocab.json", e.Message);
    }

    [Fact]
    public void Vocabulary_json_escapes_like_pythons_json_dump()
    {
        var text = Ct2ConfigFiles.VocabularyJson(["a\"b", "c\\d", "Ġx", "\u007f", "é\n"]);
        Assert.Equal("[\n  \"a\\\"b\",\n  \"c\\\\d\",\n  \"\\u0120x\",\n  \"\\u007f\",\n  \"\\u00e9\\n\"\n]", text);
    }
}

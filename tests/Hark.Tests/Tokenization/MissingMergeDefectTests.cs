using Hark.Tokenization;

namespace Hark.Tests.Tokenization;

/// <summary>nb-whisper-small-beta ships merges without rank 0 (<c>Ġ t</c>), as openai/whisper-base did 2022-09 … 2024-02.</summary>
public class MissingMergeDefectTests
{
    private static readonly string Folder = Fixtures.Path("hf/nb-whisper-small-beta");

    [Fact]
    public void Defective_folder_loads_and_tokenizes_as_its_own_files_say()
    {
        var warnings = new List<string>();
        var t = WhisperTokenizer.FromFolder(Folder, new TokenizerOptions { Warning = warnings.Add });
        Assert.Equal(new[] { 220, 3322 }, t.Encode(" the"));
        Assert.Equal(" the", t.Decode(t.Encode(" the")));
        Assert.Equal(51865, t.VocabSize);
        Assert.Equal(50288, t.LanguageToken("no"));
        Assert.Equal(50359, t.Special.Transcribe);
        Assert.Equal(50363, t.Special.NoTimestamps);
    }

    [Fact]
    public void Defective_folder_warns_once_naming_the_missing_merge_and_the_effect_on_prompts()
    {
        var warnings = new List<string>();
        _ = WhisperTokenizer.FromFolder(Folder, new TokenizerOptions { Warning = warnings.Add });
        var warning = Assert.Single(warnings);
        Assert.Contains("\"Ġ t\"", warning, StringComparison.Ordinal);
        Assert.Contains("rank 0", warning, StringComparison.Ordinal);
        Assert.Contains("prompts", warning, StringComparison.Ordinal);
        Assert.Contains("UseCanonicalMerges", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_merges_restore_parity_with_openai_ranks_without_warning_about_the_merge()
    {
        var warnings = new List<string>();
        var t = WhisperTokenizer.FromFolder(Folder, new TokenizerOptions { UseCanonicalMerges = true, Warning = warnings.Add });
        Assert.Equal(new[] { 264 }, t.Encode(" the"));
        Assert.DoesNotContain(warnings, w => w.Contains("Ġ t", StringComparison.Ordinal));
        foreach (var text in Tokenizers.FixtureTexts())
        {
            Assert.Equal(Tokenizers.Multilingual.Encode(" " + text), t.Encode(" " + text));
        }
    }

    [Fact]
    public void Without_the_fix_most_fixture_texts_encode_differently_from_openai()
    {
        var t = WhisperTokenizer.FromFolder(Folder, new TokenizerOptions { Warning = _ => { } });
        var differing = Tokenizers.FixtureTexts()
            .Count(text => !t.Encode(" " + text).SequenceEqual(Tokenizers.Multilingual.Encode(" " + text)));
        Assert.Equal(18, differing);
    }

    [Fact]
    public void Vocab_and_merges_files_carry_the_same_defect_as_tokenizer_json()
    {
        using var dir = Fixtures.TempDir();
        foreach (var name in new[] { "vocab.json", "merges.txt", "added_tokens.json", "config.json" })
        {
            File.Copy(Path.Combine(Folder, name), dir.File(name));
        }
        var warnings = new List<string>();
        var t = WhisperTokenizer.FromFolder(dir.FullName, new TokenizerOptions { Warning = warnings.Add });
        Assert.Equal(new[] { 220, 3322 }, t.Encode(" the"));
        Assert.Contains("merges.txt", Assert.Single(warnings), StringComparison.Ordinal);
        var fixedT = WhisperTokenizer.FromFolder(dir.FullName, new TokenizerOptions { UseCanonicalMerges = true, Warning = warnings.Add });
        Assert.Equal(new[] { 264 }, fixedT.Encode(" the"));
    }
}

using System.Text.Json;
using Hark.Tokenization;

namespace Hark.Tests.Tokenization;

public class HfFileWriterTests
{
    private static Dictionary<string, int> ReadMap(string path) =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path))!;

    [Fact]
    public void Rank_file_written_as_large_v3_reproduces_the_ivrit_files_exactly()
    {
        var ivrit = Fixtures.Path("hf/ivrit-whisper-large-v3-turbo");
        var t = WhisperTokenizer.FromTiktoken(Fixtures.Path("whisper-assets/multilingual.tiktoken"), 51866);
        using var dir = Fixtures.TempDir();
        t.WriteHfFiles(dir.FullName);

        Assert.Equal(File.ReadAllLines(Path.Combine(ivrit, "merges.txt")).Where(l => l.Length > 0),
            File.ReadAllLines(dir.File("merges.txt")));
        var vocab = ReadMap(dir.File("vocab.json"));
        var expectedVocab = ReadMap(Path.Combine(ivrit, "vocab.json"));
        Assert.Equal(expectedVocab.Count, vocab.Count);
        Assert.All(expectedVocab, kv => Assert.Equal(kv.Value, vocab[kv.Key]));
        var added = ReadMap(dir.File("added_tokens.json"));
        var expectedAdded = ReadMap(Path.Combine(ivrit, "added_tokens.json"));
        Assert.Equal(expectedAdded.Count, added.Count);
        Assert.All(expectedAdded, kv => Assert.Equal(kv.Value, added[kv.Key]));
        Assert.Empty(Directory.GetFiles(dir.FullName, "*tmp*"));
    }

    [Fact]
    public void English_only_files_read_back_to_the_same_tokenizer()
    {
        using var dir = Fixtures.TempDir();
        Tokenizers.Gpt2.WriteHfFiles(dir.FullName);
        var back = WhisperTokenizer.FromFolder(dir.FullName, new TokenizerOptions { Warning = m => Assert.Fail(m) });
        Assert.Equal(51864, back.VocabSize);
        Assert.Equal(Tokenizers.Gpt2.TokenStrings(), back.TokenStrings());
        foreach (var text in Tokenizers.FixtureTexts())
        {
            Assert.Equal(Tokenizers.Gpt2.Encode(" " + text), back.Encode(" " + text));
        }
    }

    [Fact]
    public void A_defective_folder_is_written_with_the_merges_it_encodes_with()
    {
        var nb = Fixtures.Path("hf/nb-whisper-small-beta");
        using var asIs = Fixtures.TempDir();
        using var fixedDir = Fixtures.TempDir();
        WhisperTokenizer.FromFolder(nb, new TokenizerOptions { Warning = _ => { } }).WriteHfFiles(asIs.FullName);
        WhisperTokenizer.FromFolder(nb, new TokenizerOptions { UseCanonicalMerges = true, Warning = _ => { } }).WriteHfFiles(fixedDir.FullName);

        var warnings = new List<string>();
        Assert.Equal(new[] { 220, 3322 }, WhisperTokenizer.FromFolder(asIs.FullName, new TokenizerOptions { Warning = warnings.Add }).Encode(" the"));
        Assert.Single(warnings);
        Assert.Equal(new[] { 264 }, WhisperTokenizer.FromFolder(fixedDir.FullName, new TokenizerOptions { Warning = warnings.Add }).Encode(" the"));
        Assert.Single(warnings);
        Assert.Equal("Ġ t", File.ReadLines(fixedDir.File("merges.txt")).ElementAt(1));
    }
}

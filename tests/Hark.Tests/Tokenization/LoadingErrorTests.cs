using System.Text.Json;
using Hark.Tokenization;

namespace Hark.Tests.Tokenization;

public class LoadingErrorTests
{
    private static readonly string Ivrit = Fixtures.Path("hf/ivrit-whisper-large-v3-turbo");

    private static TempDir CopyOf(string folder, params string[] names)
    {
        var dir = Fixtures.TempDir();
        foreach (var name in names) File.Copy(Path.Combine(folder, name), dir.File(name));
        return dir;
    }

    [Fact]
    public void A_folder_without_tokenizer_files_names_the_files_expected()
    {
        using var dir = Fixtures.TempDir();
        var e = Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromFolder(dir.FullName));
        Assert.Contains("tokenizer.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("merges.txt", e.Message, StringComparison.Ordinal);
        Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromFolder(dir.File("absent")));
    }

    [Fact]
    public void Added_tokens_that_disagree_with_the_special_layout_are_refused_by_name()
    {
        using var dir = CopyOf(Ivrit, "vocab.json", "merges.txt");
        var added = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(Ivrit, "added_tokens.json")))!;
        added["<|transcribe|>"] = 50359;
        added["<|translate|>"] = 50360;
        File.WriteAllText(dir.File("added_tokens.json"), JsonSerializer.Serialize(added));
        var e = Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromFolder(dir.FullName));
        Assert.Contains("added_tokens.json", e.Message, StringComparison.Ordinal);
        Assert.Matches("'<\\|(transcribe|translate)\\|>' has id 50(359|360), where Whisper's layout", e.Message);
    }

    [Fact]
    public void A_config_vocab_size_that_disagrees_with_the_tokenizer_is_refused()
    {
        using var dir = CopyOf(Ivrit, "vocab.json", "merges.txt", "added_tokens.json");
        File.WriteAllText(dir.File("config.json"), "{\"vocab_size\": 51865}");
        var e = Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromFolder(dir.FullName));
        Assert.Contains("vocab_size", e.Message, StringComparison.Ordinal);
        Assert.Contains("51866", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_and_merges_name_the_file()
    {
        using var dir = CopyOf(Ivrit, "merges.txt", "added_tokens.json");
        File.WriteAllText(dir.File("vocab.json"), "{\"a\": 1,");
        var e = Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromFolder(dir.FullName));
        Assert.Contains("vocab.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("malformed JSON", e.Message, StringComparison.Ordinal);

        File.Copy(Path.Combine(Ivrit, "vocab.json"), dir.File("vocab.json"), overwrite: true);
        File.WriteAllText(dir.File("merges.txt"), "#version: 0.2\nĠ t\nthree parts here\n");
        e = Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromFolder(dir.FullName));
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rank_file_that_does_not_fit_the_vocabulary_size_is_refused()
    {
        var gpt2 = Fixtures.Path("whisper-assets/gpt2.tiktoken");
        var e = Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromTiktoken(gpt2, 51865));
        Assert.Contains("rank 50256 is missing", e.Message, StringComparison.Ordinal);
        Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromTiktoken(gpt2, 12345));
        using var dir = Fixtures.TempDir();
        File.WriteAllText(dir.File("bad.tiktoken"), "IQ== 0\n!!notbase64 1\n");
        e = Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromTiktoken(dir.File("bad.tiktoken"), 51864));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_merge_of_tokens_outside_the_vocabulary_is_refused_with_its_rank()
    {
        using var dir = CopyOf(Ivrit, "vocab.json", "added_tokens.json");
        File.WriteAllText(dir.File("merges.txt"), "#version: 0.2\nĠ t\nĠ zqxj\n");
        var e = Assert.Throws<TokenizerFormatException>(() => WhisperTokenizer.FromFolder(dir.FullName));
        Assert.Contains("merge rank 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("'zqxj'", e.Message, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using Hark.Checkpoints;
using Hark.Conversion;
using Hark.Tokenization;

namespace Hark.Tests.Conversion;

public sealed class Ct2CompanionFilesTests
{
    [Fact]
    public async Task A_folder_without_tokenizer_json_gets_one_that_tokenizes_like_the_source_files()
    {
        using var dir = Fixtures.TempDir();
        using var model = TestModels.Random(); // tokenizer files of whisper-base: vocab.json + merges.txt, no tokenizer.json
        Assert.False(File.Exists(Path.Combine(model.Folder, "tokenizer.json")));
        var output = dir.File("ct2");
        await ConverterCatalog.Get("ct2").ConvertAsync(model, output, new ConversionOptions());

        var written = WhisperTokenizer.FromFolder(output);
        var original = WhisperTokenizer.FromFolder(model.Folder);
        const string text = " And so, my fellow Americans: ask not what your country can do for you — ¿qué? 日本語";
        Assert.Equal(original.Encode(text), written.Encode(text));
        Assert.Equal(text, written.Decode(written.Encode(text)));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "tokenizer.json")));
        Assert.Equal(50257, doc.RootElement.GetProperty("added_tokens")[0].GetProperty("id").GetInt32());
        Assert.Equal("<|endoftext|>", doc.RootElement.GetProperty("added_tokens")[0].GetProperty("content").GetString());
        Assert.Equal(File.ReadAllText(Path.Combine(model.Folder, "preprocessor_config.json")), File.ReadAllText(Path.Combine(output, "preprocessor_config.json")));
    }

    [Fact]
    public async Task An_existing_tokenizer_json_is_copied_and_a_missing_preprocessor_config_is_written_with_the_mel_bins()
    {
        using var dir = Fixtures.TempDir();
        var folder = dir.File("src");
        Directory.CreateDirectory(folder);
        foreach (var f in new[] { "vocab.json", "added_tokens.json", "tokenizer.json" })
            File.Copy(Fixtures.Path("hf/nb-whisper-small-beta/" + f), Path.Combine(folder, f));
        var config = WhisperPresets.Get("test") with { NumMelBins = 128 };
        using var model = new WhisperCheckpoint(folder, config, new RandomWhisperWeights(config, 3));
        var output = dir.File("ct2");
        await ConverterCatalog.Get("ct2").ConvertAsync(model, output, new ConversionOptions { Quantization = "int8" });
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "tokenizer.json")), File.ReadAllBytes(Path.Combine(output, "tokenizer.json")));
        using var pre = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "preprocessor_config.json")));
        Assert.Equal(128, pre.RootElement.GetProperty("feature_size").GetInt32());
    }
}

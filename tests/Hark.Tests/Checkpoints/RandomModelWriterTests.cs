using Hark.Conversion;
using Hark.Checkpoints;
using Hark.Tokenization;

namespace Hark.Tests.Checkpoints;

public class RandomModelWriterTests
{
    public static TheoryData<string, int, bool> Formats() => new()
    {
        { "f32", 1, false }, { "f32", 3, false }, { "f32", 1, true },
        { "f16", 1, false }, { "f16", 3, false }, { "f16", 1, true },
        { "bf16", 1, false }, { "bf16", 3, false }, { "bf16", 1, true },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Test_preset_reads_back_bit_identical_in_every_format(string dtypeName, int shards, bool pytorchBin)
    {
        var dtype = dtypeName switch { "f16" => DType.F16, "bf16" => DType.BF16, _ => DType.F32 };
        using var dir = Fixtures.TempDir();
        var config = RandomModelWriter.Write(dir.FullName, new RandomModelOptions { Preset = "test", Seed = 11, DType = dtype, Shards = shards, PytorchBin = pytorchBin });
        Assert.Equal(pytorchBin, File.Exists(dir.File("pytorch_model.bin")));
        Assert.Equal(shards > 1, File.Exists(dir.File("model.safetensors.index.json")));
        Assert.Equal(shards, Directory.GetFiles(dir.FullName, "model-*-of-*.safetensors").Length is 0 ? 1 : Directory.GetFiles(dir.FullName, "model-*-of-*.safetensors").Length);
        using var checkpoint = WhisperCheckpoint.Open(dir.FullName);
        using var expected = new RandomWhisperWeights(config, 11, dtype);
        Assert.Equal(expected.Tensors.Count, checkpoint.Tensors.Tensors.Count);
        foreach (var (name, info) in expected.Tensors)
        {
            var stored = checkpoint.Tensors.Tensors[name];
            Assert.Equal(dtype, stored.DType);
            Assert.Equal(info.Shape, stored.Shape);
            var want = new byte[info.ByteCount];
            var got = new byte[info.ByteCount];
            expected.ReadBytes(name, want);
            checkpoint.Tensors.ReadBytes(name, got);
            Assert.True(want.AsSpan().SequenceEqual(got), $"{name} differs");
        }
    }

    [Fact]
    public void Written_folder_has_configs_with_the_vocabularys_special_ids_and_copied_tokenizer_files()
    {
        using var dir = Fixtures.TempDir();
        var source = Fixtures.Path("hf/whisper-base");
        RandomModelWriter.Write(dir.FullName, new RandomModelOptions { Preset = "test", Seed = 2, TokenizerSource = source });
        foreach (var file in new[] { "vocab.json", "merges.txt", "added_tokens.json", "tokenizer_config.json", "special_tokens_map.json", "normalizer.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, file)), File.ReadAllBytes(dir.File(file)));
        Assert.False(File.Exists(dir.File("tokenizer.json"))); // whisper-base has none to copy
        using var checkpoint = WhisperCheckpoint.Open(dir.FullName);
        var special = SpecialTokens.ForVocabSize(51865);
        Assert.Equal(special.StartOfTranscript, checkpoint.Config.DecoderStartTokenId);
        Assert.Equal(special.EndOfText, checkpoint.Config.EosTokenId);
        Assert.Equal(special.NoTimestamps, checkpoint.Generation.NoTimestampsTokenId);
        Assert.Equal(50288, checkpoint.Generation.LangToId!["<|no|>"]);
        Assert.Equal(80, checkpoint.Preprocessor.FeatureSize);
    }

    [Fact]
    public void Tiktoken_rank_file_as_tokenizer_source_writes_a_loadable_tokenizer()
    {
        using var dir = Fixtures.TempDir();
        RandomModelWriter.Write(dir.FullName, new RandomModelOptions { Seed = 2, TokenizerSource = Fixtures.Path("whisper-assets/multilingual.tiktoken") });
        var tokenizer = WhisperTokenizer.FromFolder(dir.FullName);
        Assert.Equal(SpecialTokens.ForVocabSize(51865), tokenizer.Special);
    }

    [Fact]
    public void Cli_writes_a_model_and_reports_bad_input_in_one_line_with_exit_code_2()
    {
        using var dir = Fixtures.TempDir();
        var (code, output, _) = RunCli("dev", "random-model", "--preset", "test", "--seed", "4", "--dtype", "bf16", "--shards", "2", "--out", dir.File("m"), "--json");
        Assert.Equal(0, code);
        using (var result = System.Text.Json.JsonDocument.Parse(output))
        {
            Assert.Equal("BF16", result.RootElement.GetProperty("dtype").GetString());
            Assert.Equal(WhisperPresets.ParameterCount(WhisperPresets.Get("test")), result.RootElement.GetProperty("parameters").GetInt64());
        }
        using (var checkpoint = WhisperCheckpoint.Open(dir.File("m")))
            Assert.Equal(DType.BF16, checkpoint.Tensors.Tensors[WhisperTensorNames.TokenEmbedding].DType);
        var (bad, stdout, stderr) = RunCli("dev", "random-model", "--preset", "nope", "--out", dir.File("x"));
        Assert.Equal(2, bad);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("unknown preset 'nope'", stderr, StringComparison.Ordinal);
        Directory.CreateDirectory(dir.File("broken"));
        File.WriteAllText(dir.File("broken/config.json"), """{"model_type": "whisper", "d_model": 64""");
        var (broken, _, brokenError) = RunCli("dev", "random-model", "--out", dir.File("broken"));
        Assert.Equal(2, broken);
        Assert.Single(brokenError.TrimEnd('\n').Split('\n'));
        Assert.Contains("config.json: malformed JSON", brokenError, StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) RunCli(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hark.Cli.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "hark did not exit");
        return (process.ExitCode, stdout, stderr.Result);
    }

    [Fact]
    public void Progress_is_reported_per_tensor_up_to_the_total()
    {
        using var dir = Fixtures.TempDir();
        var reports = new List<WeightWriteProgress>();
        RandomModelWriter.Write(dir.FullName, new RandomModelOptions { Seed = 1, Shards = 2 }, new Collect(reports));
        var count = WhisperTensorLayout.Enumerate(WhisperPresets.Get("test")).Count;
        Assert.Equal(count, reports.Count);
        Assert.Equal(reports[^1].BytesTotal, reports[^1].BytesDone);
        Assert.Equal(count, reports[^1].TensorsDone);
    }

    private sealed class Collect(List<WeightWriteProgress> into) : IProgress<WeightWriteProgress>
    {
        public void Report(WeightWriteProgress value) => into.Add(value);
    }

    [Fact]
    public void Same_seed_gives_the_same_file_and_another_seed_a_different_one()
    {
        using var a = Fixtures.TempDir();
        using var b = Fixtures.TempDir();
        using var c = Fixtures.TempDir();
        RandomModelWriter.Write(a.FullName, new RandomModelOptions { Seed = 5, DType = DType.BF16 });
        RandomModelWriter.Write(b.FullName, new RandomModelOptions { Seed = 5, DType = DType.BF16 });
        RandomModelWriter.Write(c.FullName, new RandomModelOptions { Seed = 6, DType = DType.BF16 });
        var first = File.ReadAllBytes(a.File("model.safetensors"));
        Assert.Equal(first, File.ReadAllBytes(b.File("model.safetensors")));
        Assert.NotEqual(first, File.ReadAllBytes(c.File("model.safetensors")));
    }

    [Fact]
    public void Real_fine_tune_folder_loads_once_random_weights_of_its_dimensions_are_written_beside_it()
    {
        using var dir = Fixtures.TempDir();
        var folder = Path.Combine(dir.FullName, "nb-whisper-small-beta");
        var original = Fixtures.Path("hf/nb-whisper-small-beta");
        CheckpointTestFiles.CopyFiles(original, folder);
        RandomModelWriter.Write(folder, new RandomModelOptions { Preset = null, Seed = 3, DType = DType.F16 });
        // The folder's own configs are kept untouched.
        Assert.Equal(File.ReadAllBytes(Path.Combine(original, "config.json")), File.ReadAllBytes(Path.Combine(folder, "config.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(original, "generation_config.json")), File.ReadAllBytes(Path.Combine(folder, "generation_config.json")));
        using var checkpoint = WhisperCheckpoint.Open(folder);
        Assert.Equal(768, checkpoint.Config.DModel);
        Assert.Equal((12, 12), (checkpoint.Config.EncoderLayers, checkpoint.Config.DecoderLayers));
        Assert.Equal(50288, checkpoint.Generation.LangToId!["<|no|>"]);
        Assert.Equal(50359, checkpoint.Generation.TaskToId!["transcribe"]);
        Assert.Equal(50363, checkpoint.Generation.NoTimestampsTokenId);
        Assert.Equal(WhisperPresets.ParameterCount(checkpoint.Config), checkpoint.Tensors.Tensors.Values.Sum(t => t.ElementCount));
    }

    [Fact]
    public void Bad_requests_are_input_errors()
    {
        using var dir = Fixtures.TempDir();
        Assert.Throws<HarkInputException>(() => RandomModelWriter.Write(dir.File("a"), new RandomModelOptions { Preset = "huge" }));
        Assert.Throws<HarkInputException>(() => RandomModelWriter.Write(dir.File("b"), new RandomModelOptions { DType = DType.I8 }));
        Assert.Throws<HarkInputException>(() => RandomModelWriter.Write(dir.File("c"), new RandomModelOptions { Shards = 0 }));
        Assert.Throws<HarkInputException>(() => RandomModelWriter.Write(dir.File("d"), new RandomModelOptions { Shards = 2, PytorchBin = true }));
        Assert.Throws<HarkInputException>(() => RandomModelWriter.Write(dir.File("e"), new RandomModelOptions { TokenizerSource = dir.File("missing") }));
        var large = Assert.Throws<HarkInputException>(() => RandomModelWriter.Write(dir.File("f"),
            new RandomModelOptions { TokenizerSource = Fixtures.Path("hf/ivrit-whisper-large-v3-turbo") }));
        Assert.Contains("vocab_size 51866", large.Message, StringComparison.Ordinal);
        RandomModelWriter.Write(dir.File("g"), new RandomModelOptions());
        Assert.Contains("already holds weights", Assert.Throws<HarkInputException>(() => RandomModelWriter.Write(dir.File("g"), new RandomModelOptions())).Message, StringComparison.Ordinal);
        var copy = dir.File("nb");
        CheckpointTestFiles.CopyFiles(Fixtures.Path("hf/nb-whisper-small-beta"), copy);
        Assert.Equal("preset", Assert.Throws<HarkInputException>(() => RandomModelWriter.Write(copy, new RandomModelOptions { Preset = "tiny" })).Field);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Hark.Checkpoints;

namespace Hark.Tests.Checkpoints;

public class ConfigFileTests
{
    private static readonly string NbFolder = Fixtures.Path("hf/nb-whisper-small-beta");

    private static CheckpointFormatException ParseFails(Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(NbFolder, "config.json")))!.AsObject();
        edit(node);
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return Assert.Throws<CheckpointFormatException>(() => WhisperConfigFile.Parse(doc.RootElement, "config.json"));
    }

    [Fact]
    public void Real_fine_tune_config_parses_to_whisper_small_dimensions()
    {
        var config = WhisperConfigFile.Read(Path.Combine(NbFolder, "config.json"));
        Assert.Equal(768, config.DModel);
        Assert.Equal((12, 12, 12, 12), (config.EncoderLayers, config.DecoderLayers, config.EncoderAttentionHeads, config.DecoderAttentionHeads));
        Assert.Equal((3072, 80, 1500, 448, 51865), (config.EncoderFfnDim, config.NumMelBins, config.MaxSourcePositions, config.MaxTargetPositions, config.VocabSize));
        var large = WhisperConfigFile.Read(Fixtures.Path("hf/ivrit-whisper-large-v3-turbo/config.json"));
        Assert.Equal((1280, 32, 4, 128, 51866), (large.DModel, large.EncoderLayers, large.DecoderLayers, large.NumMelBins, large.VocabSize));
    }

    [Theory]
    [InlineData("d_model")]
    [InlineData("encoder_layers")]
    [InlineData("decoder_attention_heads")]
    [InlineData("encoder_ffn_dim")]
    [InlineData("num_mel_bins")]
    [InlineData("max_source_positions")]
    [InlineData("max_target_positions")]
    [InlineData("vocab_size")]
    public void Missing_config_field_is_named(string field)
    {
        var ex = ParseFails(c => c.Remove(field));
        Assert.Equal(field, ex.Field);
        Assert.Contains("missing required field", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_values_are_named_with_what_was_expected()
    {
        Assert.Contains("found 0", ParseFails(c => c["d_model"] = 0).Message, StringComparison.Ordinal);
        Assert.Contains("found \"768\"", ParseFails(c => c["d_model"] = "768").Message, StringComparison.Ordinal);
        Assert.Contains("found 76.5", ParseFails(c => c["d_model"] = 76.5).Message, StringComparison.Ordinal);
        Assert.Equal("encoder_attention_heads", ParseFails(c => c["encoder_attention_heads"] = 7).Field);
        Assert.Contains("found \"relu\"", ParseFails(c => c["activation_function"] = "relu").Message, StringComparison.Ordinal);
        Assert.Contains("outside the vocabulary", ParseFails(c => c["eos_token_id"] = 60000).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_whisper_model_type_names_what_was_found()
    {
        var ex = ParseFails(c => { c["model_type"] = "wav2vec2"; c["architectures"] = new JsonArray("Wav2Vec2ForCTC"); });
        Assert.Contains("found model_type \"wav2vec2\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("neither model_type nor architectures", ParseFails(c => { c.Remove("model_type"); c.Remove("architectures"); }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generation_config_reads_forced_ids_with_nulls_languages_tasks_and_alignment_heads()
    {
        var nb = GenerationConfigFile.Read(Path.Combine(NbFolder, "generation_config.json"));
        Assert.Equal([(1, (int?)null), (2, 50359), (3, 50363)], nb.ForcedDecoderIds);
        Assert.Equal(50288, nb.LangToId!["<|no|>"]);
        Assert.Equal(50359, nb.TaskToId!["transcribe"]);
        Assert.Equal(50363, nb.NoTimestampsTokenId);
        Assert.Equal([220, 50257], nb.BeginSuppressTokens);
        Assert.True(nb.IsMultilingual);
        var basic = GenerationConfigFile.Read(Fixtures.Path("hf/whisper-base/generation_config.json"));
        Assert.Equal((3, 1), basic.AlignmentHeads![0]);
        Assert.Equal(8, basic.AlignmentHeads.Count);
        var large = GenerationConfigFile.Read(Fixtures.Path("hf/ivrit-whisper-large-v3-turbo/generation_config.json"));
        Assert.Equal(50364, large.NoTimestampsTokenId);
        Assert.Empty(large.SuppressTokens!);
    }

    [Fact]
    public void Generation_config_validation_checks_alignment_heads_against_the_decoder()
    {
        var config = WhisperPresets.Get("test");
        var bad = new GenerationConfig { AlignmentHeads = [(2, 0)] };
        Assert.Equal("alignment_heads", Assert.Throws<CheckpointFormatException>(() => GenerationConfigFile.Validate(bad, config)).Field);
    }

    [Theory]
    [InlineData("tiny.en")]
    [InlineData("small")]
    [InlineData("large-v3")]
    public void Written_configs_read_back_equal(string preset)
    {
        using var dir = Fixtures.TempDir();
        var config = WhisperPresets.Get(preset);
        WhisperConfigFile.Write(dir.File("config.json"), config);
        Assert.Equal(config, WhisperConfigFile.Read(dir.File("config.json")));
        var generation = Hark.Conversion.GenerationConfigDefaults.ForModel(config);
        GenerationConfigFile.Write(dir.File("generation_config.json"), generation, config);
        var back = GenerationConfigFile.Read(dir.File("generation_config.json"));
        Assert.Equal(generation.ForcedDecoderIds, back.ForcedDecoderIds);
        Assert.Equal(generation.AlignmentHeads, back.AlignmentHeads);
        Assert.Equal(generation.NoTimestampsTokenId, back.NoTimestampsTokenId);
        Assert.Equal(generation.LangToId?.OrderBy(kv => kv.Key), back.LangToId?.OrderBy(kv => kv.Key));
        var preprocessor = new PreprocessorConfig { FeatureSize = config.NumMelBins };
        PreprocessorConfigFile.Write(dir.File("preprocessor_config.json"), preprocessor);
        Assert.Equal(preprocessor, PreprocessorConfigFile.Read(dir.File("preprocessor_config.json")));
    }

    [Fact]
    public void Large_v3_generation_config_uses_the_shifted_special_ids()
    {
        var g = Hark.Conversion.GenerationConfigDefaults.ForModel(WhisperPresets.Get("large-v3"));
        Assert.Equal(50358, g.LangToId!["<|yue|>"]);
        Assert.Equal(50360, g.TaskToId!["transcribe"]);
        Assert.Equal(50364, g.NoTimestampsTokenId);
        Assert.Equal(50288, Hark.Conversion.GenerationConfigDefaults.ForModel(WhisperPresets.Get("small")).LangToId!["<|no|>"]);
    }
}

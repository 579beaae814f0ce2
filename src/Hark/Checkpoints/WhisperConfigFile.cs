using System.Text.Json;
using Hark.IO;

namespace Hark.Checkpoints;

/// <summary>Reads, validates and writes a Hugging Face Whisper <c>config.json</c>.</summary>
public static class WhisperConfigFile
{
    /// <summary><c>config.json</c>.</summary>
    public const string FileName = "config.json";

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="HarkInputException">Missing file, malformed JSON, a missing or invalid field, or not a Whisper model.</exception>
    public static WhisperConfig Read(string path)
    {
        using var doc = JsonFields.ReadObject(path);
        return Parse(doc.RootElement, path);
    }

    /// <summary>Parses and validates a config object (<paramref name="path"/> names it in messages).</summary>
    public static WhisperConfig Parse(JsonElement root, string path)
    {
        CheckModelType(root, path);
        var activation = JsonFields.OptionalString(root, "activation_function", path) ?? "gelu";
        if (activation != "gelu")
            throw new CheckpointFormatException($"expected \"gelu\" (Whisper's MLP activation), found \"{activation}\"", path, "activation_function");
        var config = new WhisperConfig
        {
            DModel = JsonFields.RequiredPositiveInt(root, "d_model", path),
            EncoderLayers = JsonFields.RequiredPositiveInt(root, "encoder_layers", path),
            EncoderAttentionHeads = JsonFields.RequiredPositiveInt(root, "encoder_attention_heads", path),
            DecoderLayers = JsonFields.RequiredPositiveInt(root, "decoder_layers", path),
            DecoderAttentionHeads = JsonFields.RequiredPositiveInt(root, "decoder_attention_heads", path),
            EncoderFfnDim = JsonFields.RequiredPositiveInt(root, "encoder_ffn_dim", path),
            DecoderFfnDim = JsonFields.RequiredPositiveInt(root, "decoder_ffn_dim", path),
            NumMelBins = JsonFields.RequiredPositiveInt(root, "num_mel_bins", path),
            MaxSourcePositions = JsonFields.RequiredPositiveInt(root, "max_source_positions", path),
            MaxTargetPositions = JsonFields.RequiredPositiveInt(root, "max_target_positions", path),
            VocabSize = JsonFields.RequiredPositiveInt(root, "vocab_size", path),
            ActivationFunction = activation,
            ScaleEmbedding = JsonFields.OptionalBool(root, "scale_embedding", path) ?? false,
            DecoderStartTokenId = JsonFields.OptionalInt(root, "decoder_start_token_id", path) ?? 50258,
            EosTokenId = JsonFields.OptionalInt(root, "eos_token_id", path) ?? 50257,
            PadTokenId = JsonFields.OptionalInt(root, "pad_token_id", path) ?? 50257,
            TieWordEmbeddings = JsonFields.OptionalBool(root, "tie_word_embeddings", path) ?? true,
        };
        Validate(config, path);
        return config;
    }

    /// <summary>Checks the relations between fields (heads divide the width, token ids inside the vocabulary).</summary>
    /// <exception cref="CheckpointFormatException">The first violated rule, naming the field.</exception>
    public static void Validate(WhisperConfig c, string? path = null)
    {
        // Upper bounds far above any Whisper (large-v3: d_model 1280, 32 layers, 128 mel bins, vocabulary 51866) that
        // keep every size derived from the config well inside memory before a weight is read.
        Bounded(c.DModel, 1 << 16, "d_model");
        Bounded(c.EncoderLayers, 1 << 10, "encoder_layers");
        Bounded(c.DecoderLayers, 1 << 10, "decoder_layers");
        Bounded(c.EncoderAttentionHeads, 1 << 10, "encoder_attention_heads");
        Bounded(c.DecoderAttentionHeads, 1 << 10, "decoder_attention_heads");
        Bounded(c.EncoderFfnDim, 1 << 18, "encoder_ffn_dim");
        Bounded(c.DecoderFfnDim, 1 << 18, "decoder_ffn_dim");
        Bounded(c.NumMelBins, 1 << 10, "num_mel_bins");
        Bounded(c.MaxSourcePositions, 1 << 20, "max_source_positions");
        Bounded(c.MaxTargetPositions, 1 << 20, "max_target_positions");
        Bounded(c.VocabSize, 1 << 22, "vocab_size");
        if (c.DModel % c.EncoderAttentionHeads != 0)
            throw new CheckpointFormatException($"{c.EncoderAttentionHeads} heads do not divide d_model {c.DModel}", path, "encoder_attention_heads");
        if (c.DModel % c.DecoderAttentionHeads != 0)
            throw new CheckpointFormatException($"{c.DecoderAttentionHeads} heads do not divide d_model {c.DModel}", path, "decoder_attention_heads");
        TokenId(c.DecoderStartTokenId, "decoder_start_token_id");
        TokenId(c.EosTokenId, "eos_token_id");
        TokenId(c.PadTokenId, "pad_token_id");

        void Bounded(int value, int max, string field)
        {
            if (value <= 0) throw new CheckpointFormatException($"expected a positive integer, found {value}", path, field);
            if (value > max) throw new CheckpointFormatException($"expected at most {max}, found {value}", path, field);
        }

        void TokenId(int value, string field)
        {
            if (value < 0 || value >= c.VocabSize)
                throw new CheckpointFormatException($"token id {value} is outside the vocabulary [0, {c.VocabSize})", path, field);
        }
    }

    /// <summary>Writes <paramref name="config"/> with transformers' field names (temp file, then rename).</summary>
    public static void Write(string path, WhisperConfig config) => AtomicOutput.WriteText(path, ToJson(config));

    /// <summary>The <c>config.json</c> text of <paramref name="c"/>.</summary>
    public static string ToJson(WhisperConfig c)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model_type", "whisper");
            w.WriteStartArray("architectures");
            w.WriteStringValue("WhisperForConditionalGeneration");
            w.WriteEndArray();
            w.WriteString("activation_function", c.ActivationFunction);
            w.WriteNumber("d_model", c.DModel);
            w.WriteNumber("encoder_layers", c.EncoderLayers);
            w.WriteNumber("encoder_attention_heads", c.EncoderAttentionHeads);
            w.WriteNumber("encoder_ffn_dim", c.EncoderFfnDim);
            w.WriteNumber("decoder_layers", c.DecoderLayers);
            w.WriteNumber("decoder_attention_heads", c.DecoderAttentionHeads);
            w.WriteNumber("decoder_ffn_dim", c.DecoderFfnDim);
            w.WriteNumber("num_hidden_layers", c.EncoderLayers);
            w.WriteNumber("num_mel_bins", c.NumMelBins);
            w.WriteNumber("max_source_positions", c.MaxSourcePositions);
            w.WriteNumber("max_target_positions", c.MaxTargetPositions);
            w.WriteNumber("vocab_size", c.VocabSize);
            w.WriteBoolean("scale_embedding", c.ScaleEmbedding);
            w.WriteBoolean("tie_word_embeddings", c.TieWordEmbeddings);
            w.WriteNumber("bos_token_id", c.EosTokenId);
            w.WriteNumber("eos_token_id", c.EosTokenId);
            w.WriteNumber("pad_token_id", c.PadTokenId);
            w.WriteNumber("decoder_start_token_id", c.DecoderStartTokenId);
            w.WriteBoolean("is_encoder_decoder", true);
            w.WriteBoolean("use_cache", true);
            foreach (var zero in (string[])["dropout", "attention_dropout", "activation_dropout", "encoder_layerdrop", "decoder_layerdrop"])
                w.WriteNumber(zero, 0.0);
            w.WriteNumber("init_std", 0.02);
            w.WriteString("torch_dtype", "float32");
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void CheckModelType(JsonElement root, string path)
    {
        var modelType = JsonFields.Get(root, "model_type") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null;
        var architectures = JsonFields.Get(root, "architectures") is { ValueKind: JsonValueKind.Array } a
            ? a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
        if (modelType == "whisper") return;
        if (modelType is null && architectures.Any(n => n.StartsWith("Whisper", StringComparison.Ordinal))) return;
        var found = modelType is not null ? $"model_type \"{modelType}\""
            : architectures.Count > 0 ? $"architectures [{string.Join(", ", architectures)}]"
            : "neither model_type nor architectures";
        throw new CheckpointFormatException($"not a Whisper model: expected model_type \"whisper\", found {found}", path, "model_type");
    }
}

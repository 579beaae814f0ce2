using System.Text.Json;
using System.Text.Json.Nodes;
using Hark.Checkpoints;

namespace Hark.Conversion.Onnx;

/// <summary>
/// The architecture fields of a Hugging Face Whisper <c>config.json</c>: written beside an export whose source folder
/// has none (procedural checkpoints), and read by the ONNX engine from any Optimum-layout folder.
/// </summary>
internal static class HfConfigJson
{
    /// <summary>A minimal <c>config.json</c> for <paramref name="c"/>.</summary>
    public static string Write(WhisperConfig c)
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray("WhisperForConditionalGeneration"),
            ["model_type"] = "whisper",
            ["d_model"] = c.DModel,
            ["encoder_layers"] = c.EncoderLayers,
            ["encoder_attention_heads"] = c.EncoderAttentionHeads,
            ["decoder_layers"] = c.DecoderLayers,
            ["decoder_attention_heads"] = c.DecoderAttentionHeads,
            ["encoder_ffn_dim"] = c.EncoderFfnDim,
            ["decoder_ffn_dim"] = c.DecoderFfnDim,
            ["num_mel_bins"] = c.NumMelBins,
            ["max_source_positions"] = c.MaxSourcePositions,
            ["max_target_positions"] = c.MaxTargetPositions,
            ["vocab_size"] = c.VocabSize,
            ["activation_function"] = c.ActivationFunction,
            ["scale_embedding"] = c.ScaleEmbedding,
            ["decoder_start_token_id"] = c.DecoderStartTokenId,
            ["eos_token_id"] = c.EosTokenId,
            ["pad_token_id"] = c.PadTokenId,
            ["tie_word_embeddings"] = c.TieWordEmbeddings,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Reads the architecture from <paramref name="path"/>.</summary>
    /// <exception cref="HarkInputException">Missing file, malformed JSON, or a missing or mistyped field (named).</exception>
    public static WhisperConfig Read(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new HarkInputException($"cannot read the model configuration: {e.Message}", path, inner: e);
        }
        if (root is not JsonObject o) throw new HarkInputException("expected a JSON object", path);
        int Int(string field, int? fallback = null)
        {
            if (o[field] is JsonValue v && v.TryGetValue<int>(out var i)) return i;
            return fallback ?? throw new HarkInputException("expected an integer", path, field);
        }
        bool Bool(string field, bool fallback) => o[field] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;
        var heads = Int("encoder_attention_heads");
        return new WhisperConfig
        {
            DModel = Int("d_model"),
            EncoderLayers = Int("encoder_layers"),
            EncoderAttentionHeads = heads,
            DecoderLayers = Int("decoder_layers"),
            DecoderAttentionHeads = Int("decoder_attention_heads"),
            EncoderFfnDim = Int("encoder_ffn_dim"),
            DecoderFfnDim = Int("decoder_ffn_dim"),
            NumMelBins = Int("num_mel_bins", 80),
            MaxSourcePositions = Int("max_source_positions", 1500),
            MaxTargetPositions = Int("max_target_positions", 448),
            VocabSize = Int("vocab_size"),
            ActivationFunction = o["activation_function"]?.GetValue<string>() ?? "gelu",
            ScaleEmbedding = Bool("scale_embedding", false),
            DecoderStartTokenId = Int("decoder_start_token_id", 50258),
            EosTokenId = Int("eos_token_id", 50257),
            PadTokenId = Int("pad_token_id", 50257),
            TieWordEmbeddings = Bool("tie_word_embeddings", true),
        };
    }
}

namespace Hark.Checkpoints;

/// <summary>
/// Canonical tensor names: Hugging Face's <c>WhisperForConditionalGeneration</c> naming without the leading
/// <c>model.</c>. Readers normalise to these; engines and converters ask for these. Shapes follow PyTorch
/// (<c>Linear.weight</c> is <c>[out, in]</c>, <c>Conv1d.weight</c> is <c>[out, in, kernel]</c>).
/// </summary>
internal static class WhisperTensorNames
{
    /// <summary>Encoder conv stem 1, <c>[d_model, n_mels, 3]</c>.</summary>
    public const string Conv1Weight = "encoder.conv1.weight";
    /// <summary>Conv stem 1 bias, <c>[d_model]</c>.</summary>
    public const string Conv1Bias = "encoder.conv1.bias";
    /// <summary>Encoder conv stem 2 (stride 2), <c>[d_model, d_model, 3]</c>.</summary>
    public const string Conv2Weight = "encoder.conv2.weight";
    /// <summary>Conv stem 2 bias, <c>[d_model]</c>.</summary>
    public const string Conv2Bias = "encoder.conv2.bias";
    /// <summary>Sinusoidal encoder positions, <c>[max_source_positions, d_model]</c>.</summary>
    public const string EncoderPositions = "encoder.embed_positions.weight";
    /// <summary>Encoder final LayerNorm weight.</summary>
    public const string EncoderLayerNormWeight = "encoder.layer_norm.weight";
    /// <summary>Encoder final LayerNorm bias.</summary>
    public const string EncoderLayerNormBias = "encoder.layer_norm.bias";
    /// <summary>Token embedding, <c>[vocab, d_model]</c>; also the output projection when tied.</summary>
    public const string TokenEmbedding = "decoder.embed_tokens.weight";
    /// <summary>Learned decoder positions, <c>[max_target_positions, d_model]</c>.</summary>
    public const string DecoderPositions = "decoder.embed_positions.weight";
    /// <summary>Decoder final LayerNorm weight.</summary>
    public const string DecoderLayerNormWeight = "decoder.layer_norm.weight";
    /// <summary>Decoder final LayerNorm bias.</summary>
    public const string DecoderLayerNormBias = "decoder.layer_norm.bias";
    /// <summary>Separate output projection, present only when not tied, <c>[vocab, d_model]</c>.</summary>
    public const string OutputProjection = "proj_out.weight";

    /// <summary>Prefix of encoder block <paramref name="layer"/>: <c>encoder.layers.{layer}.</c>.</summary>
    public static string EncoderLayer(int layer) => $"encoder.layers.{layer}.";

    /// <summary>Prefix of decoder block <paramref name="layer"/>: <c>decoder.layers.{layer}.</c>.</summary>
    public static string DecoderLayer(int layer) => $"decoder.layers.{layer}.";

    // Inside a block prefix:
    //   self_attn.{q,k,v,out}_proj.weight [d, d]; .bias [d] for q, v, out (k_proj has no bias)
    //   self_attn_layer_norm.{weight,bias}
    //   encoder_attn.{q,k,v,out}_proj.*, encoder_attn_layer_norm.*   (decoder only: cross-attention)
    //   fc1.weight [ffn, d], fc1.bias [ffn], fc2.weight [d, ffn], fc2.bias [d]
    //   final_layer_norm.{weight,bias}
}

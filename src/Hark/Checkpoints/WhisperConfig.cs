namespace Hark.Checkpoints;

/// <summary>
/// The architecture of a Whisper model: the fields of a Hugging Face <c>config.json</c> that the forward pass needs.
/// Every engine, converter and memory estimate starts from this record.
/// </summary>
public sealed record WhisperConfig
{
    /// <summary>Model width (<c>d_model</c>).</summary>
    public required int DModel { get; init; }
    /// <summary>Encoder blocks (<c>encoder_layers</c>).</summary>
    public required int EncoderLayers { get; init; }
    /// <summary>Encoder attention heads (<c>encoder_attention_heads</c>).</summary>
    public required int EncoderAttentionHeads { get; init; }
    /// <summary>Decoder blocks (<c>decoder_layers</c>).</summary>
    public required int DecoderLayers { get; init; }
    /// <summary>Decoder attention heads (<c>decoder_attention_heads</c>).</summary>
    public required int DecoderAttentionHeads { get; init; }
    /// <summary>Encoder MLP width (<c>encoder_ffn_dim</c>).</summary>
    public required int EncoderFfnDim { get; init; }
    /// <summary>Decoder MLP width (<c>decoder_ffn_dim</c>).</summary>
    public required int DecoderFfnDim { get; init; }
    /// <summary>Mel bins of the input features (80, or 128 for the large-v3 family).</summary>
    public required int NumMelBins { get; init; }
    /// <summary>Encoder positions after the stride-2 conv (1500 for 30 s).</summary>
    public required int MaxSourcePositions { get; init; }
    /// <summary>Decoder context (448).</summary>
    public required int MaxTargetPositions { get; init; }
    /// <summary>Token vocabulary (51864 English-only, 51865 multilingual, 51866 large-v3).</summary>
    public required int VocabSize { get; init; }
    /// <summary>MLP activation; Whisper uses <c>gelu</c> (erf form).</summary>
    public string ActivationFunction { get; init; } = "gelu";
    /// <summary>Whether token embeddings are scaled by sqrt(d_model) (false for Whisper).</summary>
    public bool ScaleEmbedding { get; init; }
    /// <summary>Token the decoder starts from (<c>decoder_start_token_id</c>, the SOT token).</summary>
    public int DecoderStartTokenId { get; init; } = 50258;
    /// <summary>End-of-text token (<c>eos_token_id</c>).</summary>
    public int EosTokenId { get; init; } = 50257;
    /// <summary>Padding token (<c>pad_token_id</c>).</summary>
    public int PadTokenId { get; init; } = 50257;
    /// <summary>Whether the output projection shares the token embedding (Whisper: true).</summary>
    public bool TieWordEmbeddings { get; init; } = true;

    /// <summary>Width of one encoder attention head.</summary>
    public int EncoderHeadDim => DModel / EncoderAttentionHeads;

    /// <summary>Width of one decoder attention head.</summary>
    public int DecoderHeadDim => DModel / DecoderAttentionHeads;

    /// <summary>True for the multilingual vocabularies (51865 and up).</summary>
    public bool IsMultilingual => VocabSize >= 51865;

    /// <summary>Mel frames in one 30-second window (twice the encoder positions).</summary>
    public int MelFrames => 2 * MaxSourcePositions;
}

namespace Hark.Formats.Onnx;

/// <summary>
/// File, input, output and dynamic-axis names of Hugging Face Optimum's Whisper export (the layout
/// <c>ORTModelForSpeechSeq2Seq</c>, transformers.js and other runtimes load). Hark writes them and its engine reads them.
/// </summary>
public static class OptimumNames
{
    /// <summary>Encoder file.</summary>
    public const string EncoderFile = "encoder_model.onnx";
    /// <summary>Decoder without cache inputs (first step).</summary>
    public const string DecoderFile = "decoder_model.onnx";
    /// <summary>Decoder that consumes caches (later steps).</summary>
    public const string DecoderWithPastFile = "decoder_with_past_model.onnx";
    /// <summary>Both decoders behind one <c>If</c> on <see cref="UseCacheBranch"/>.</summary>
    public const string DecoderMergedFile = "decoder_model_merged.onnx";

    /// <summary>Encoder input <c>[batch_size, feature_size, encoder_sequence_length]</c>.</summary>
    public const string InputFeatures = "input_features";
    /// <summary>Encoder output <c>[batch_size, encoder_sequence_length / 2, d_model]</c>.</summary>
    public const string LastHiddenState = "last_hidden_state";
    /// <summary>Decoder tokens (int64) <c>[batch_size, decoder_sequence_length]</c>.</summary>
    public const string InputIds = "input_ids";
    /// <summary>Encoder states fed to the decoder.</summary>
    public const string EncoderHiddenStates = "encoder_hidden_states";
    /// <summary>Decoder output <c>[batch_size, decoder_sequence_length, vocab]</c>.</summary>
    public const string Logits = "logits";
    /// <summary>Hark's optional decoder output, in exports made with alignment heads: those heads' cross-attention
    /// probabilities, float <c>[batch_size, heads, decoder_sequence_length, encoder positions]</c>.</summary>
    public const string CrossAttentions = "cross_attentions";
    /// <summary>Merged decoder's branch selector, bool <c>[1]</c>.</summary>
    public const string UseCacheBranch = "use_cache_branch";

    /// <summary>Dynamic axis: batch.</summary>
    public const string BatchAxis = "batch_size";
    /// <summary>Dynamic axis: mel bins.</summary>
    public const string FeatureAxis = "feature_size";
    /// <summary>Dynamic axis: mel frames.</summary>
    public const string EncoderSequenceAxis = "encoder_sequence_length";
    /// <summary>Dynamic axis: encoder positions.</summary>
    public const string EncoderHalfAxis = "encoder_sequence_length / 2";
    /// <summary>Dynamic axis: new decoder tokens.</summary>
    public const string DecoderSequenceAxis = "decoder_sequence_length";
    /// <summary>Dynamic axis: cached decoder tokens.</summary>
    public const string PastDecoderAxis = "past_decoder_sequence_length";
    /// <summary>Dynamic axis: cached plus new decoder tokens.</summary>
    public const string PresentDecoderAxis = "past_decoder_sequence_length + 1";
    /// <summary>Dynamic axis: cross-attention cache positions.</summary>
    public const string EncoderOutAxis = "encoder_sequence_length_out";

    /// <summary><c>past_key_values.{layer}.{decoder|encoder}.{key|value}</c>.</summary>
    public static string Past(int layer, bool encoder, bool value) => $"past_key_values.{layer}.{Side(encoder)}.{Kind(value)}";

    /// <summary><c>present.{layer}.{decoder|encoder}.{key|value}</c>.</summary>
    public static string Present(int layer, bool encoder, bool value) => $"present.{layer}.{Side(encoder)}.{Kind(value)}";

    private static string Side(bool encoder) => encoder ? "encoder" : "decoder";

    private static string Kind(bool value) => value ? "value" : "key";
}

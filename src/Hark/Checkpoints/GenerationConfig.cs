namespace Hark.Checkpoints;

/// <summary>
/// The decoding defaults a model folder carries in <c>generation_config.json</c> (all optional). Missing values are
/// derived from the vocabulary by the tokenizer's special tokens.
/// </summary>
public sealed record GenerationConfig
{
    /// <summary>Language token by tag, e.g. <c>"&lt;|no|&gt;" → 50288</c> (<c>lang_to_id</c>).</summary>
    public IReadOnlyDictionary<string, int>? LangToId { get; init; }
    /// <summary>Task token by name: <c>transcribe</c>, <c>translate</c> (<c>task_to_id</c>).</summary>
    public IReadOnlyDictionary<string, int>? TaskToId { get; init; }
    /// <summary>Tokens suppressed at every step (<c>suppress_tokens</c>).</summary>
    public IReadOnlyList<int>? SuppressTokens { get; init; }
    /// <summary>Tokens suppressed at the first sampled step (<c>begin_suppress_tokens</c>).</summary>
    public IReadOnlyList<int>? BeginSuppressTokens { get; init; }
    /// <summary>(layer, head) pairs whose cross-attention aligns with time (<c>alignment_heads</c>).</summary>
    public IReadOnlyList<(int Layer, int Head)>? AlignmentHeads { get; init; }
    /// <summary><c>no_timestamps_token_id</c>.</summary>
    public int? NoTimestampsTokenId { get; init; }
    /// <summary><c>decoder_start_token_id</c>.</summary>
    public int? DecoderStartTokenId { get; init; }
    /// <summary><c>forced_decoder_ids</c>: (position, token) pairs; a null token means "to be chosen" (language).</summary>
    public IReadOnlyList<(int Position, int? Token)>? ForcedDecoderIds { get; init; }
    /// <summary><c>is_multilingual</c>.</summary>
    public bool? IsMultilingual { get; init; }
    /// <summary><c>max_length</c>.</summary>
    public int? MaxLength { get; init; }
}

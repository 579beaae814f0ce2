using Hark.Checkpoints;
using Hark.Tokenization;

namespace Hark.Conversion;

/// <summary>Generation settings derived from a model's vocabulary, for folders Hark writes without a source's own.</summary>
internal static class GenerationConfigDefaults
{
    /// <summary>
    /// The generation config transformers would write for a fresh model of <paramref name="model"/>'s vocabulary:
    /// language and task ids, no-timestamps and SOT ids, forced ids (language left open, then transcribe), begin
    /// suppression of space and end-of-text, and alignment heads = every head of the upper half of the decoder
    /// (openai's default when a model's heads are unknown).
    /// </summary>
    public static GenerationConfig ForModel(WhisperConfig model)
    {
        var special = SpecialTokens.ForVocabSize(model.VocabSize);
        var langToId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < special.LanguageCount; i++) langToId[$"<|{WhisperLanguages.Codes[i]}|>"] = special.LanguageToken(i);
        return new GenerationConfig
        {
            LangToId = special.IsMultilingual ? langToId : null,
            TaskToId = special.IsMultilingual ? new Dictionary<string, int> { ["translate"] = special.Translate, ["transcribe"] = special.Transcribe } : null,
            SuppressTokens = [],
            BeginSuppressTokens = [220, special.EndOfText],
            AlignmentHeads = AlignmentHeadDefaults.For(model),
            NoTimestampsTokenId = special.NoTimestamps,
            DecoderStartTokenId = special.StartOfTranscript,
            ForcedDecoderIds = special.IsMultilingual ? [(1, null), (2, special.Transcribe)] : [(1, special.NoTimestamps)],
            IsMultilingual = special.IsMultilingual,
            MaxLength = model.MaxTargetPositions,
        };
    }
}

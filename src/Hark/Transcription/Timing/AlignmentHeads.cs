using Hark.Checkpoints;

namespace Hark.Transcription.Timing;

/// <summary>
/// The decoder heads whose cross-attention follows time: the model folder's <c>alignment_heads</c>
/// (<c>generation_config.json</c>), else openai-whisper's default for a model whose heads are unknown, every head of the
/// second half of the decoder layers (coarser timings).
/// </summary>
internal sealed record AlignmentHeads(IReadOnlyList<(int Layer, int Head)> Pairs, bool IsFallback)
{
    /// <summary>The warning printed once when word timestamps run on the fallback heads.</summary>
    public const string FallbackWarning =
        "the model folder names no alignment_heads (generation_config.json); word timestamps use every head of the second half of the decoder layers and will be coarser";

    /// <summary>The heads for <paramref name="config"/>: <paramref name="generation"/>'s when it names any, else the fallback.</summary>
    public static AlignmentHeads For(WhisperConfig config, GenerationConfig? generation)
    {
        if (generation?.AlignmentHeads is { Count: > 0 } given) return new AlignmentHeads(given, IsFallback: false);
        return new AlignmentHeads(AlignmentHeadDefaults.For(config), IsFallback: true);
    }
}

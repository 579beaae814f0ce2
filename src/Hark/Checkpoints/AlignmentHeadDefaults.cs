namespace Hark.Checkpoints;

/// <summary>openai-whisper's alignment heads for a model whose own are unknown: every head of the second half of the
/// decoder layers (<c>Whisper.__init__</c>; CTranslate2's converter and transformers use the same fallback).</summary>
internal static class AlignmentHeadDefaults
{
    /// <summary>The fallback heads of <paramref name="config"/>, layer by layer.</summary>
    public static IReadOnlyList<(int Layer, int Head)> For(WhisperConfig config)
    {
        var pairs = new List<(int, int)>();
        for (var layer = config.DecoderLayers / 2; layer < config.DecoderLayers; layer++)
            for (var head = 0; head < config.DecoderAttentionHeads; head++) pairs.Add((layer, head));
        return pairs;
    }
}

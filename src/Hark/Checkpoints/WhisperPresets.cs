namespace Hark.Checkpoints;

/// <summary>
/// Architectures of the published Whisper sizes, plus <c>test</c>: the real vocabulary and special tokens with
/// tiny dimensions, for fast tests. Values are those of the models' Hugging Face <c>config.json</c>.
/// </summary>
public static class WhisperPresets
{
    private static WhisperConfig Multilingual(int d, int enc, int dec, int heads, int mels = 80, int vocab = 51865) => new()
    {
        DModel = d,
        EncoderLayers = enc,
        DecoderLayers = dec,
        EncoderAttentionHeads = heads,
        DecoderAttentionHeads = heads,
        EncoderFfnDim = 4 * d,
        DecoderFfnDim = 4 * d,
        NumMelBins = mels,
        MaxSourcePositions = 1500,
        MaxTargetPositions = 448,
        VocabSize = vocab,
        DecoderStartTokenId = 50258,
        EosTokenId = 50257,
        PadTokenId = vocab == 51866 ? 50256 : 50257,
    };

    private static readonly Dictionary<string, WhisperConfig> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["test"] = Multilingual(64, 2, 2, 2),
        ["tiny"] = Multilingual(384, 4, 4, 6),
        ["tiny.en"] = Multilingual(384, 4, 4, 6, vocab: 51864) with { DecoderStartTokenId = 50257, EosTokenId = 50256, PadTokenId = 50256 },
        ["base"] = Multilingual(512, 6, 6, 8),
        ["small"] = Multilingual(768, 12, 12, 12),
        ["medium"] = Multilingual(1024, 24, 24, 16),
        ["large-v3"] = Multilingual(1280, 32, 32, 20, mels: 128, vocab: 51866),
        ["large-v3-turbo"] = Multilingual(1280, 32, 4, 20, mels: 128, vocab: 51866),
    };

    /// <summary>Preset names, smallest first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["test", "tiny", "tiny.en", "base", "small", "medium", "large-v3", "large-v3-turbo"];

    /// <summary>The architecture of a preset.</summary>
    /// <exception cref="HarkInputException">Unknown name (the message lists the known ones).</exception>
    public static WhisperConfig Get(string name) =>
        ByName.TryGetValue(name, out var config)
            ? config
            : throw new HarkInputException($"unknown preset '{name}'; expected one of {string.Join(", ", Names)}", field: "preset");

    /// <summary>Parameter count as Hugging Face reports it (tied output projection counted once).</summary>
    public static long ParameterCount(WhisperConfig c)
    {
        long d = c.DModel;
        long attention = 4 * d * d + 3 * d;             // q, k, v, out weights; q, v, out biases
        long layerNorm = 2 * d;
        long encoderBlock = attention + layerNorm + 2 * d * c.EncoderFfnDim + c.EncoderFfnDim + d + layerNorm;
        long decoderBlock = 2 * (attention + layerNorm) + 2 * d * c.DecoderFfnDim + c.DecoderFfnDim + d + layerNorm;
        long encoder = c.NumMelBins * d * 3 + d + d * d * 3 + d + c.MaxSourcePositions * d + c.EncoderLayers * encoderBlock + layerNorm;
        long decoder = (long)c.VocabSize * d + c.MaxTargetPositions * d + c.DecoderLayers * decoderBlock + layerNorm;
        return encoder + decoder + (c.TieWordEmbeddings ? 0 : (long)c.VocabSize * d);
    }
}

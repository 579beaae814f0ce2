namespace Hark.Checkpoints;

/// <summary>
/// Bounds the layer counts of <c>config.json</c> by the layers the weights actually hold, before anything is sized
/// from them: a config claiming a billion layers must fail in one line, not grow a billion-entry tensor list.
/// </summary>
internal static class LayerCountCheck
{
    /// <summary>Throws when config.json declares more encoder or decoder layers than <paramref name="tensors"/> hold.</summary>
    /// <exception cref="CheckpointFormatException">Naming config.json, the field, the declared and the stored count.</exception>
    public static void ThrowIfBeyondWeights(ITensorSource tensors, WhisperConfig config, string configPath, string weightsPath)
    {
        var encoder = StoredLayers(tensors, "encoder.layers.");
        var decoder = StoredLayers(tensors, "decoder.layers.");
        if (config.EncoderLayers > encoder)
            throw new CheckpointFormatException($"declares {config.EncoderLayers} layers but {Path.GetFileName(weightsPath)} holds {encoder}", configPath, "encoder_layers");
        if (config.DecoderLayers > decoder)
            throw new CheckpointFormatException($"declares {config.DecoderLayers} layers but {Path.GetFileName(weightsPath)} holds {decoder}", configPath, "decoder_layers");
    }

    /// <summary>One more than the highest layer index stored under <paramref name="prefix"/> (0 when none).</summary>
    private static int StoredLayers(ITensorSource tensors, string prefix)
    {
        var count = 0;
        foreach (var name in tensors.Tensors.Keys)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var dot = name.IndexOf('.', prefix.Length);
            if (dot > prefix.Length && int.TryParse(name.AsSpan(prefix.Length, dot - prefix.Length), out var i) && i >= 0 && i < int.MaxValue)
                count = Math.Max(count, i + 1);
        }
        return count;
    }
}

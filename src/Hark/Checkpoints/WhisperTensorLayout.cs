namespace Hark.Checkpoints;

/// <summary>The full list of canonical tensors (name and shape) a Whisper model of a given architecture holds.</summary>
internal static class WhisperTensorLayout
{
    /// <summary>Every tensor of <paramref name="c"/>, encoder first, in a stable order (tied output projection omitted).</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Enumerate(WhisperConfig c)
    {
        long d = c.DModel;
        var list = new List<(string, long[])>
        {
            (WhisperTensorNames.Conv1Weight, [d, c.NumMelBins, 3]),
            (WhisperTensorNames.Conv1Bias, [d]),
            (WhisperTensorNames.Conv2Weight, [d, d, 3]),
            (WhisperTensorNames.Conv2Bias, [d]),
            (WhisperTensorNames.EncoderPositions, [c.MaxSourcePositions, d]),
        };
        for (var i = 0; i < c.EncoderLayers; i++)
        {
            var p = WhisperTensorNames.EncoderLayer(i);
            AddAttention(list, p + "self_attn.", d);
            AddNorm(list, p + "self_attn_layer_norm", d);
            AddMlp(list, p, d, c.EncoderFfnDim);
            AddNorm(list, p + "final_layer_norm", d);
        }
        AddNorm(list, "encoder.layer_norm", d);
        list.Add((WhisperTensorNames.TokenEmbedding, [c.VocabSize, d]));
        list.Add((WhisperTensorNames.DecoderPositions, [c.MaxTargetPositions, d]));
        for (var i = 0; i < c.DecoderLayers; i++)
        {
            var p = WhisperTensorNames.DecoderLayer(i);
            AddAttention(list, p + "self_attn.", d);
            AddNorm(list, p + "self_attn_layer_norm", d);
            AddAttention(list, p + "encoder_attn.", d);
            AddNorm(list, p + "encoder_attn_layer_norm", d);
            AddMlp(list, p, d, c.DecoderFfnDim);
            AddNorm(list, p + "final_layer_norm", d);
        }
        AddNorm(list, "decoder.layer_norm", d);
        if (!c.TieWordEmbeddings) list.Add((WhisperTensorNames.OutputProjection, [c.VocabSize, d]));
        return list;
    }

    private static void AddAttention(List<(string, long[])> list, string prefix, long d)
    {
        list.Add((prefix + "k_proj.weight", [d, d]));
        list.Add((prefix + "v_proj.weight", [d, d]));
        list.Add((prefix + "v_proj.bias", [d]));
        list.Add((prefix + "q_proj.weight", [d, d]));
        list.Add((prefix + "q_proj.bias", [d]));
        list.Add((prefix + "out_proj.weight", [d, d]));
        list.Add((prefix + "out_proj.bias", [d]));
    }

    private static void AddNorm(List<(string, long[])> list, string prefix, long d)
    {
        list.Add((prefix + ".weight", [d]));
        list.Add((prefix + ".bias", [d]));
    }

    private static void AddMlp(List<(string, long[])> list, string prefix, long d, long ffn)
    {
        list.Add((prefix + "fc1.weight", [ffn, d]));
        list.Add((prefix + "fc1.bias", [ffn]));
        list.Add((prefix + "fc2.weight", [d, ffn]));
        list.Add((prefix + "fc2.bias", [d]));
    }
}

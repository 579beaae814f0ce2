using Hark.Checkpoints;

namespace Hark.Conversion.Ggml;

/// <summary>How whisper.cpp stores a tensor, which decides its type in each file type.</summary>
internal enum GgmlRole
{
    /// <summary>A 2-D weight (linear layers, token embedding): the file type's matrix type.</summary>
    Matrix,
    /// <summary>A conv kernel: float16 (float32 in all-f32 files).</summary>
    Conv,
    /// <summary>Biases, norms, conv biases and positional embeddings: always float32.</summary>
    Float32,
}

/// <summary>One tensor of a whisper.cpp model file.</summary>
/// <param name="Name">OpenAI-style name whisper.cpp looks up (<c>encoder.blocks.0.attn.query.weight</c>).</param>
/// <param name="Ne">ggml dimensions, innermost first (PyTorch's shape reversed).</param>
/// <param name="Role">Type rule.</param>
/// <param name="Source">Canonical checkpoint tensor.</param>
internal sealed record GgmlTensorSpec(string Name, long[] Ne, GgmlRole Role, string Source)
{
    /// <summary>Element count.</summary>
    public long ElementCount => Ne.Aggregate(1L, (a, b) => a * b);

    /// <summary>Stored type in a file of type <paramref name="f"/>.</summary>
    public GgmlType TypeIn(GgmlFileType f) => Role switch
    {
        GgmlRole.Matrix => f.MatrixType(),
        GgmlRole.Conv => f.ConvType(),
        _ => GgmlType.F32,
    };
}

/// <summary>
/// whisper.cpp's tensor layout as data: OpenAI names, ggml dimensions and type rules, in Hugging Face state-dict
/// order (the order <c>convert-h5-to-ggml.py</c> writes). k_proj has no bias, the output projection is the token
/// embedding, and conv biases are stored as <c>[1, d]</c>.
/// </summary>
internal static class GgmlWhisperSpec
{
    /// <summary>The tensors of <paramref name="c"/>.</summary>
    /// <exception cref="HarkInputException">An architecture whisper.cpp cannot hold (untied projection, MLP width ≠ 4·d).</exception>
    public static IReadOnlyList<GgmlTensorSpec> For(WhisperConfig c)
    {
        if (!c.TieWordEmbeddings)
            throw new HarkInputException("whisper.cpp ties the output projection to the token embedding; this model has a separate proj_out", field: "tie_word_embeddings");
        if (c.EncoderFfnDim != 4 * c.DModel || c.DecoderFfnDim != 4 * c.DModel)
            throw new HarkInputException($"whisper.cpp needs MLP width 4·d_model = {4 * c.DModel}; this model has {c.EncoderFfnDim}/{c.DecoderFfnDim}", field: "encoder_ffn_dim");
        var list = new List<GgmlTensorSpec>();
        foreach (var (name, shape) in WhisperTensorLayout.Enumerate(c))
        {
            var target = MapName(name);
            long[] ne = [.. shape.Reverse()];
            GgmlRole role;
            if (name is WhisperTensorNames.Conv1Bias or WhisperTensorNames.Conv2Bias)
            {
                ne = [1, shape[0]];
                role = GgmlRole.Float32;
            }
            else if (name is WhisperTensorNames.Conv1Weight or WhisperTensorNames.Conv2Weight) role = GgmlRole.Conv;
            else if (name is WhisperTensorNames.EncoderPositions or WhisperTensorNames.DecoderPositions || shape.Length < 2) role = GgmlRole.Float32;
            else role = GgmlRole.Matrix;
            list.Add(new GgmlTensorSpec(target, ne, role, name));
        }
        return list;
    }

    private static readonly (string Hf, string Ggml)[] LayerParts =
    [
        ("self_attn.k_proj", "attn.key"),
        ("self_attn.q_proj", "attn.query"),
        ("self_attn.v_proj", "attn.value"),
        ("self_attn.out_proj", "attn.out"),
        ("self_attn_layer_norm", "attn_ln"),
        ("encoder_attn.k_proj", "cross_attn.key"),
        ("encoder_attn.q_proj", "cross_attn.query"),
        ("encoder_attn.v_proj", "cross_attn.value"),
        ("encoder_attn.out_proj", "cross_attn.out"),
        ("encoder_attn_layer_norm", "cross_attn_ln"),
        ("fc1", "mlp.0"),
        ("fc2", "mlp.2"),
        ("final_layer_norm", "mlp_ln"),
    ];

    /// <summary>The whisper.cpp name of a canonical tensor.</summary>
    public static string MapName(string canonical)
    {
        switch (canonical)
        {
            case "encoder.layer_norm.weight": return "encoder.ln_post.weight";
            case "encoder.layer_norm.bias": return "encoder.ln_post.bias";
            case WhisperTensorNames.EncoderPositions: return "encoder.positional_embedding";
            case "decoder.layer_norm.weight": return "decoder.ln.weight";
            case "decoder.layer_norm.bias": return "decoder.ln.bias";
            case WhisperTensorNames.DecoderPositions: return "decoder.positional_embedding";
            case WhisperTensorNames.TokenEmbedding: return "decoder.token_embedding.weight";
        }
        var parts = canonical.Split('.');
        if (parts.Length >= 4 && parts[1] == "layers")
        {
            var middle = string.Join('.', parts[3..^1]);
            foreach (var (hf, g) in LayerParts)
                if (hf == middle) return $"{parts[0]}.blocks.{parts[2]}.{g}.{parts[^1]}";
        }
        return canonical;
    }
}

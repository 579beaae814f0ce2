using Hark.Checkpoints;

namespace Hark.Conversion.Ct2;

/// <summary>How a CTranslate2 variable is treated when quantizing.</summary>
internal enum Ct2Role
{
    /// <summary>A weight with a <c>weight_scale</c> companion (linear, conv, embeddings): quantized to int8/int16.</summary>
    Weight,
    /// <summary>Any other float (bias, norm, positions): converted to the quantization's float type.</summary>
    Float,
    /// <summary>A scalar setting (head count, activation, flags), stored as is.</summary>
    Scalar,
}

/// <summary>One variable of the spec: its CTranslate2 name and shape, and where its values come from.</summary>
/// <param name="Name">CTranslate2 name (<c>encoder/layer_0/self_attention/linear_0/weight</c>).</param>
/// <param name="Shape">Shape as stored (empty for scalars).</param>
/// <param name="Role">Quantization treatment.</param>
/// <param name="Parts">Checkpoint slices concatenated along the first axis (empty for scalars).</param>
/// <param name="ScalarType">Dtype of a scalar.</param>
/// <param name="ScalarValue">Value of a scalar.</param>
internal sealed record Ct2VariableSpec(string Name, long[] Shape, Ct2Role Role, IReadOnlyList<SourcePart> Parts,
    Ct2DType ScalarType = Ct2DType.Int8, long ScalarValue = 0)
{
    /// <summary>Element count.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// CTranslate2's <c>WhisperSpec</c> (revision 3) as data: every variable name, shape and source, in the order
/// <c>model.bin</c> stores them (sorted by name), and the aliases. Self-attention fuses q/k/v into <c>linear_0</c>
/// (k_proj has no bias, so its slice of the fused bias is zeros); cross-attention keeps q in <c>linear_0</c> and fuses
/// k/v into <c>linear_1</c>; <c>linear_2</c> (or <c>linear_1</c> in self-attention) is the output projection.
/// A tied output projection is stored once, as an alias of the token embedding.
/// </summary>
internal sealed class Ct2WhisperSpec
{
    /// <summary>Spec name stored in <c>model.bin</c>.</summary>
    public const string SpecName = "WhisperSpec";
    /// <summary>Spec revision stored in <c>model.bin</c>.</summary>
    public const int Revision = 3;
    /// <summary>Binary format version written.</summary>
    public const int BinaryVersion = 6;
    /// <summary>CTranslate2's activation id for erf GELU.</summary>
    public const int GeluActivation = 3;

    private Ct2WhisperSpec(List<Ct2VariableSpec> variables, List<(string Alias, string Target)> aliases)
    {
        variables.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        Variables = variables;
        Aliases = aliases;
    }

    /// <summary>Variables sorted by name (ordinal), as the reference converter writes them.</summary>
    public IReadOnlyList<Ct2VariableSpec> Variables { get; }

    /// <summary>(alias, target) pairs.</summary>
    public IReadOnlyList<(string Alias, string Target)> Aliases { get; }

    /// <summary>Builds the spec of <paramref name="c"/>.</summary>
    public static Ct2WhisperSpec For(WhisperConfig c)
    {
        long d = c.DModel;
        var v = new List<Ct2VariableSpec>();
        var aliases = new List<(string, string)>();

        void Tensor(string name, Ct2Role role, long[] shape, params SourcePart[] parts) => v.Add(new(name, shape, role, parts));
        void Scalar(string name, Ct2DType type, long value) => v.Add(new(name, [], Ct2Role.Scalar, [], type, value));
        SourcePart P(string source, long elements) => new(source, elements);
        void Norm(string scope, string hf)
        {
            Tensor(scope + "/gamma", Ct2Role.Float, [d], P(hf + ".weight", d));
            Tensor(scope + "/beta", Ct2Role.Float, [d], P(hf + ".bias", d));
        }
        void Linear(string scope, string hf, long outDim, long inDim)
        {
            Tensor(scope + "/weight", Ct2Role.Weight, [outDim, inDim], P(hf + ".weight", outDim * inDim));
            Tensor(scope + "/bias", Ct2Role.Float, [outDim], P(hf + ".bias", outDim));
        }
        void SelfAttention(string scope, string hf)
        {
            Norm(scope + "/layer_norm", hf + "_layer_norm");
            Tensor(scope + "/linear_0/weight", Ct2Role.Weight, [3 * d, d],
                P(hf + ".q_proj.weight", d * d), P(hf + ".k_proj.weight", d * d), P(hf + ".v_proj.weight", d * d));
            Tensor(scope + "/linear_0/bias", Ct2Role.Float, [3 * d],
                P(hf + ".q_proj.bias", d), SourcePart.Zeros(d), P(hf + ".v_proj.bias", d));
            Linear(scope + "/linear_1", hf + ".out_proj", d, d);
        }
        void CrossAttention(string scope, string hf)
        {
            Norm(scope + "/layer_norm", hf + "_layer_norm");
            Linear(scope + "/linear_0", hf + ".q_proj", d, d);
            Tensor(scope + "/linear_1/weight", Ct2Role.Weight, [2 * d, d], P(hf + ".k_proj.weight", d * d), P(hf + ".v_proj.weight", d * d));
            Tensor(scope + "/linear_1/bias", Ct2Role.Float, [2 * d], SourcePart.Zeros(d), P(hf + ".v_proj.bias", d));
            Linear(scope + "/linear_2", hf + ".out_proj", d, d);
        }
        void Ffn(string scope, string hf, long ffn)
        {
            Norm(scope + "/layer_norm", hf + "final_layer_norm");
            Linear(scope + "/linear_0", hf + "fc1", ffn, d);
            Linear(scope + "/linear_1", hf + "fc2", d, ffn);
        }

        // Encoder.
        Scalar("encoder/num_heads", Ct2DType.Int16, c.EncoderAttentionHeads);
        Tensor("encoder/conv1/weight", Ct2Role.Weight, [d, c.NumMelBins, 3], P(WhisperTensorNames.Conv1Weight, d * c.NumMelBins * 3));
        Tensor("encoder/conv1/bias", Ct2Role.Float, [d], P(WhisperTensorNames.Conv1Bias, d));
        Tensor("encoder/conv2/weight", Ct2Role.Weight, [d, d, 3], P(WhisperTensorNames.Conv2Weight, d * d * 3));
        Tensor("encoder/conv2/bias", Ct2Role.Float, [d], P(WhisperTensorNames.Conv2Bias, d));
        Tensor("encoder/position_encodings/encodings", Ct2Role.Float, [c.MaxSourcePositions, d],
            P(WhisperTensorNames.EncoderPositions, c.MaxSourcePositions * d));
        Norm("encoder/layer_norm", "encoder.layer_norm");
        for (var i = 0; i < c.EncoderLayers; i++)
        {
            var hf = WhisperTensorNames.EncoderLayer(i);
            var scope = $"encoder/layer_{i}";
            SelfAttention(scope + "/self_attention", hf + "self_attn");
            Ffn(scope + "/ffn", hf, c.EncoderFfnDim);
        }

        // Decoder (TransformerDecoderSpec with pre-norm, GELU, no embedding scaling).
        Scalar("decoder/num_heads", Ct2DType.Int16, c.DecoderAttentionHeads);
        Scalar("decoder/pre_norm", Ct2DType.Int8, 1);
        Scalar("decoder/activation", Ct2DType.Int8, GeluActivation);
        Scalar("decoder/alignment_layer", Ct2DType.Int16, -1);
        Scalar("decoder/alignment_heads", Ct2DType.Int16, 1);
        Scalar("decoder/scale_embeddings", Ct2DType.Int8, 0);
        Scalar("decoder/alibi", Ct2DType.Int8, 0);
        Scalar("decoder/alibi_use_positive_positions", Ct2DType.Int8, 0);
        Scalar("decoder/scale_alibi", Ct2DType.Int8, 0);
        Scalar("decoder/start_from_zero_embedding", Ct2DType.Int8, 0);
        Tensor("decoder/embeddings/weight", Ct2Role.Weight, [c.VocabSize, d], P(WhisperTensorNames.TokenEmbedding, c.VocabSize * d));
        Tensor("decoder/position_encodings/encodings", Ct2Role.Float, [c.MaxTargetPositions, d],
            P(WhisperTensorNames.DecoderPositions, c.MaxTargetPositions * d));
        Norm("decoder/layer_norm", "decoder.layer_norm");
        for (var i = 0; i < c.DecoderLayers; i++)
        {
            var hf = WhisperTensorNames.DecoderLayer(i);
            var scope = $"decoder/layer_{i}";
            SelfAttention(scope + "/self_attention", hf + "self_attn");
            CrossAttention(scope + "/attention", hf + "encoder_attn");
            Ffn(scope + "/ffn", hf, c.DecoderFfnDim);
        }
        if (c.TieWordEmbeddings) aliases.Add(("decoder/projection/weight", "decoder/embeddings/weight"));
        else Tensor("decoder/projection/weight", Ct2Role.Weight, [c.VocabSize, d], P(WhisperTensorNames.OutputProjection, c.VocabSize * d));
        return new Ct2WhisperSpec(v, aliases);
    }
}
